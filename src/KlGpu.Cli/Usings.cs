// The namespaces every command reads: the parser, and the library's specs, settings, jobs and writers.
global using System.CommandLine;
global using System.Globalization;
global using KlGpu.Accelerators;
global using KlGpu.Basins;
global using KlGpu.Engine;
global using KlGpu.Landscape;
global using KlGpu.Numerics;
global using KlGpu.Output;
global using KlGpu.Specs;
global using KlGpu.Families;
