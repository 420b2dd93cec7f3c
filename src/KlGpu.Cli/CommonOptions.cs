using System.CommandLine;
using KlGpu.Accelerators;
using KlGpu.Landscape;
using KlGpu.Numerics;
using KlGpu.Output;
using KlGpu.Specs;

namespace KlGpu.Cli;

/// <summary>
/// Options shared by several commands. Values stay strings here and are parsed by the library's spec
/// parsers, so every bad value gives the same one-line <see cref="UsageException"/> in every command.
/// </summary>
internal static class CommonOptions
{
    public const string DefaultDivergences = "forward,reverse";

    public static Option<string> Target(bool required, bool oneDimensional = false)
    {
        var option = new Option<string>("--target", "-p")
        {
            Description = oneDimensional
                ? "The target mixture p, e.g. --target \"0.5*N(-2,1) + 0.5*N(2,1)\" or --target \"N(0,1)\" or --target @mixture.json"
                : "The target p: a mixture, e.g. --target \"0.5*N(-2,1) + 0.5*N(2,1)\" or --target \"N(0,1)\" or --target @mixture.json, or the d-dimensional ½N(0,I) + ½N(u,I), e.g. --target \"two-modes(d=20, sep=5)\"",
            Required = required,
            HelpName = "SPEC",
        };
        if (!required) option.DefaultValueFactory = _ => MixtureSpec.Example;
        return option;
    }

    /// <summary>The option, naming the whole family where <paramref name="family"/> (commands that evaluate values),
    /// only the KLs elsewhere (commands that need a gradient or a pointwise pressure).</summary>
    const string FamilyNames = "Which divergences, comma-separated, case-insensitive: forward = KL(p||q), reverse = KL(q||p), js = Jensen–Shannon, hellinger = 1 − ∫√(pq), tv = ½∫|p−q|, pearson = ∫(p−q)²/q, neyman = ∫(p−q)²/p, jeffreys = KL(p||q) + KL(q||p), alpha:A = Amari α (any real A), renyi:A = Rényi (A > 0)";

    /// <summary>The --divergence list; <paramref name="ksd"/> adds the kernel Stein discrepancy, which only the maps take.</summary>
    public static Option<string> Divergence(bool family = false, bool ksd = false) => new("--divergence", "-d")
    {
        Description = !family
            ? "Which divergences, comma-separated: forward = KL(p||q), reverse = KL(q||p), e.g. --divergence reverse"
            : ksd
                ? FamilyNames + ", ksd = kernel Stein discrepancy KSD²(q, p) with the IMQ kernel (c² + (x−y)²)^β, c = 1, β = −0.5, or ksd:c=C:beta=B (C > 0, B < 0); a diverging integral is inf, e.g. --divergence js,hellinger,alpha:0.5,renyi:2,ksd:c=2"
                : FamilyNames + "; a diverging integral is inf, e.g. --divergence js,hellinger,alpha:0.5,renyi:2",
        DefaultValueFactory = _ => DefaultDivergences,
        HelpName = "LIST",
    };

    public static Option<string> Precision() => new("--precision")
    {
        Description = $"Kernel floating-point type ({string.Join("|", Choice.Names<Precision>())}), e.g. --precision single",
        DefaultValueFactory = _ => "double",
        HelpName = "TYPE",
    };

    public static Option<string> Accelerator() => new("--accelerator", "-a")
    {
        Description = $"Device for the kernels ({string.Join("|", Choice.Names<AcceleratorKind>())}); auto picks CUDA, then OpenCL, then the CPU, e.g. --accelerator cpu",
        DefaultValueFactory = _ => "auto",
        HelpName = "KIND",
    };

    /// <summary>--force: write into a folder klgpu did not make, or past the disk-space check.</summary>
    public static Option<bool> Force() => new("--force")
    {
        Description = "Write even into the home folder or a folder of other files with no klgpu manifest (klgpu still never deletes a file it did not write), and past the free-disk check, e.g. --force",
    };

    /// <summary>The --out folder checked and claimed (<see cref="OutputFolder.Prepare"/>), with the command's --force.</summary>
    public static string OutFolder(ParseResult r, string? dir) => OutputFolder.Prepare(dir, "--out", r.GetValue<bool>("--force"));

    public static GaussianMixture ParseMixture(ParseResult r, Option<string> o, string what) => MixtureSpec.Parse(r.GetValue(o), what);
    /// <summary>With <paramref name="heavyTails"/> the target may have Student-t and Laplace components (eval and the Gaussian landscape).</summary>
    public static Target ParseTarget(ParseResult r, Option<string> o, bool heavyTails = false) => TargetSpec.Parse(r.GetValue(o), "--target", heavyTails);

    /// <summary>A target for a view that is drawn over x on one line, where a d-dimensional target has no single answer.</summary>
    public static GaussianMixture ParseOneDimensionalTarget(ParseResult r, Option<string> o, string view)
    {
        var p = ParseTarget(r, o);
        if (p.IsTwoModes)
            throw new UsageException($"--target: {view} takes a 1-D mixture; {p} is {p.Dimension}-dimensional (use landscape, basins, eval or sweep)");
        return p.Marginal;
    }
    public static IReadOnlyList<Divergence> ParseDivergences(ParseResult r, Option<string> o) => DivergenceList.Parse(r.GetValue(o), "--divergence");
    public static Precision ParsePrecision(ParseResult r, Option<string> o) => Choice.Parse<Precision>(r.GetValue(o), "--precision");
    public static AcceleratorKind ParseAccelerator(ParseResult r, Option<string> o) => Choice.Parse<AcceleratorKind>(r.GetValue(o), "--accelerator");
}
