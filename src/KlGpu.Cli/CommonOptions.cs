namespace KlGpu.Cli;

/// <summary>
/// Parameters shared by several commands, parsed by the library's spec parsers, so every bad value gives the same
/// one-line <see cref="UsageException"/> naming the flag in every command.
/// </summary>
internal static class CommonOptions
{
    public const string DefaultDivergences = "forward,reverse";

    const string TargetHelp = "The target p: a mixture, e.g. --target \"0.5*N(-2,1) + 0.5*N(2,1)\" or --target \"N(0,1)\" or --target @mixture.json, or the d-dimensional ½N(0,I) + ½N(u,I), e.g. --target \"two-modes(d=20, sep=5)\"";

    /// <summary>The target p; with <paramref name="heavyTails"/> it may have Student-t and Laplace components; <paramref name="help"/>
    /// says so where a command's help names the terms it takes.</summary>
    public static Parameter<Target> Target(bool required, bool heavyTails = false, string? help = null) =>
        Parameter.Of("target", "--target", "-p", "SPEC", help ?? TargetHelp, required ? null : MixtureSpec.Example,
            (t, what) => TargetSpec.Parse(t, what, heavyTails), p => p.ToString(), required);

    /// <summary>A target for a view that is drawn over x on one line, where a d-dimensional target has no single answer.</summary>
    public static Parameter<GaussianMixture> OneDimensionalTarget(string view) =>
        Parameter.Of("target", "--target", "-p", "SPEC",
            "The target mixture p, of N(mean,std) terms only (no T(nu,mean,scale) or L(mean,scale) terms, no two-modes), e.g. --target \"0.5*N(-2,1) + 0.5*N(2,1)\" or --target \"N(0,1)\" or --target @mixture.json", null,
            (t, what) => OneDimensional(TargetSpec.Parse(t, what), view, what), p => p.ToString(), required: true);

    public static GaussianMixture OneDimensional(Target p, string view, string what = "--target") => p.Dimension > 1
        ? throw new UsageException($"{what}: {view} takes a 1-D mixture; {p} is {p.Dimension}-dimensional (use landscape, basins, eval or sweep)")
        : p.Marginal;

    /// <summary>The option, naming the whole family where <paramref name="family"/> (commands that evaluate values),
    /// only the KLs elsewhere (commands that need a gradient or a pointwise pressure).</summary>
    const string FamilyNames = "Which divergences, comma-separated, case-insensitive: forward = KL(p||q), reverse = KL(q||p), js = Jensen–Shannon, hellinger = 1 − ∫√(pq), tv = ½∫|p−q|, pearson = ∫(p−q)²/q, neyman = ∫(p−q)²/p, jeffreys = KL(p||q) + KL(q||p), alpha:A = Amari α (any real A), renyi:A = Rényi (A > 0)";

    /// <summary>The --divergence list; <paramref name="ksd"/> adds the kernel Stein discrepancy, which only the maps take,
    /// and <paramref name="refuseKsd"/> names the view that refuses it.</summary>
    public static Parameter<IReadOnlyList<Divergence>> Divergences(bool family = false, bool ksd = false, string? refuseKsd = null) =>
        Parameter.Of<IReadOnlyList<Divergence>>("divergences", "--divergence", "-d", "LIST",
            !family
                ? "Which divergences, comma-separated: forward = KL(p||q), reverse = KL(q||p), e.g. --divergence reverse"
                : ksd
                    ? FamilyNames + ", ksd = kernel Stein discrepancy KSD²(q, p) with the IMQ kernel (c² + (x−y)²)^β, c = 1, β = −0.5, or ksd:c=C:beta=B (C > 0, B < 0); a diverging integral is inf, e.g. --divergence js,hellinger,alpha:0.5,renyi:2,ksd:c=2"
                    : FamilyNames + "; a diverging integral is inf, e.g. --divergence js,hellinger,alpha:0.5,renyi:2",
            DefaultDivergences,
            (t, what) =>
            {
                var list = DivergenceList.Parse(t, what);
                if (refuseKsd is not null) DivergenceList.RefuseKsd(list, refuseKsd, what);
                return list;
            },
            list => Parameter.Names(list.Select(d => d.Name())));

    public static Parameter<Precision> Precision() => Parameter.Choice<Precision>("precision", "--precision", null, "TYPE",
        $"Kernel floating-point type ({string.Join("|", Choice.Names<Precision>())}), e.g. --precision single", "double");

    /// <summary>The device; cuda:K picks one of several GPUs (one process per GPU: a scheduler's --gres=gpu:1 gives each its own).</summary>
    public static Parameter<AcceleratorChoice> Accelerator() => Parameter.Of("accelerator", "--accelerator", "-a", "KIND",
        "Device for the kernels (auto|cuda|cuda:K|opencl|cpu); auto picks CUDA device 0, then OpenCL, then the CPU; cuda:K "
        + "picks CUDA device K as `klgpu devices` lists it, e.g. --accelerator cuda:1", "auto",
        AcceleratorChoice.Parse, v => v.ToString());

    public static Parameter<bool> Svg(string what = "every figure") => Parameter.Switch("svg", "--svg", $"Also write {what} as SVG, e.g. --svg");

    public static Parameter<bool> Html(string what) => Parameter.Switch("html", "--html",
        $"Also write report.html, one self-contained page that opens offline: {what}, e.g. --html");

    /// <summary>--out: not a parameter of the run (a run file says it apart, or the caller does).</summary>
    public static Option<string> Out(string description, string defaultDir) => new("--out", "-o")
    {
        Description = description,
        DefaultValueFactory = _ => defaultDir,
        HelpName = "DIR",
    };

    /// <summary>--force: write into a folder klgpu did not make, or past the disk-space check.</summary>
    public static Option<bool> Force() => new("--force")
    {
        Description = "Write even into the home folder or a folder of other files with no klgpu manifest (klgpu still never deletes a file it did not write), and past the free-disk check, e.g. --force",
    };

    /// <summary>The --out folder checked and claimed (<see cref="OutputFolder.Prepare"/>), with the command's --force.</summary>
    public static string OutFolder(ParseResult r, string? dir) => OutputFolder.Prepare(dir, "--out", r.GetValue<bool>("--force"));
}
