namespace KlGpu.Cli;

/// <summary>The command tree. Tests call <see cref="Run"/> with their own writers.</summary>
public static class Cli
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        stderr.WriteLine("klgpu: not yet implemented");
        return 2;
    }
}
