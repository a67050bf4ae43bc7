# The `lattice` host image: built with the .NET SDK, run on the ASP.NET Core runtime (the admin API
# is Kestrel). `docker-compose.yml` runs three of these against PostgreSQL.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Project files first, so a source change does not redo the restore.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/Lattice.Actors/Lattice.Actors.csproj src/Lattice.Actors/
COPY src/Lattice.Providers/Lattice.Providers.csproj src/Lattice.Providers/
COPY src/Lattice.Node/Lattice.Node.csproj src/Lattice.Node/
RUN dotnet restore src/Lattice.Node -r linux-x64
COPY src/ src/
RUN dotnet publish src/Lattice.Node -c Release -r linux-x64 --self-contained false --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
# Precompiled components and the SQLite database (when no --db is given) live in the data volume.
ENV LATTICE_CACHE_DIR=/data/cache
VOLUME /data
# 4000: admin API (bind it with --admin-bind 0.0.0.0 inside a container); 4100: cluster remoting.
EXPOSE 4000 4100
ENTRYPOINT ["/app/lattice"]
CMD ["up", "--data", "/data", "--admin-bind", "0.0.0.0"]
