// The `lattice` executable. Commands live in Cli/, one file each.
return Lattice.Node.Cli.LatticeCli.Run(args);
