using Xunit;

namespace KlGpu.Tests;

/// <summary>
/// Tests that change process-wide state (the current folder, the registry of in-flight
/// atomic files) run in this collection, alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWide
{
    public const string Name = "Process-wide state";
}
