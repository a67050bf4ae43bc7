using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Lattice.Providers.Tests")]
