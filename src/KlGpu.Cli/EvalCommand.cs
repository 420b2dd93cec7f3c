using System.CommandLine;
using System.Globalization;
using KlGpu.Engine;
using KlGpu.Landscape;
using KlGpu.Output;

namespace KlGpu.Cli;

/// <summary><c>klgpu eval</c>: the divergences between two mixtures.</summary>
internal static class EvalCommand
{
    public static Command Create(CliContext context)
    {
        var target = CommonOptions.Target(required: true);
        var q = new Option<string>("--q")
        {
            Description = "The approximation q, a mixture in the same language, e.g. --q \"N(0,1.5)\"",
            Required = true,
            HelpName = "SPEC",
        };
        var divergence = CommonOptions.Divergence(family: true);
        var precision = CommonOptions.Precision();
        var accelerator = CommonOptions.Accelerator();
        var json = new Option<bool>("--json") { Description = "Print one JSON object {\"forward\": ..., \"reverse\": ..., \"precision\": ..., \"device\": ...} (one key per divergence; a diverging one is \"Infinity\"), e.g. --json" };

        var command = new Command("eval", "KL(p||q) and KL(q||p), or any --divergence of the family, between two Gaussian mixtures, e.g. klgpu eval --target \"0.5*N(-2,1) + 0.5*N(2,1)\" --q \"N(0,2)\"")
        {
            target, q, divergence, precision, accelerator, json,
        };
        command.SetAction(r =>
        {
            var targetP = CommonOptions.ParseTarget(r, target, heavyTails: true);
            var qq = CommonOptions.ParseMixture(r, q, "--q");
            var divergences = CommonOptions.ParseDivergences(r, divergence);
            var prec = CommonOptions.ParsePrecision(r, precision);
            var kind = CommonOptions.ParseAccelerator(r, accelerator);
            if (targetP.HeavyTails is not null) KlEngine.RequireHeavyTailSupport(qq.Count, divergences);
            context.Cancel.ThrowIfCancellationRequested();
            using var engine = KlEngine.Create(kind, prec);
            // In d dimensions: q along u, N(0, 1) across it, where p/q depends on x₁ alone and every divergence is its 1-D value.
            var values = divergences.ToDictionary(d => d, d => targetP.HeavyTails is { } heavy
                ? engine.Evaluate(heavy, qq, d)
                : engine.Evaluate(targetP.Marginal, qq, d));
            if (r.GetValue(json))
            {
                var obj = new Dictionary<string, object>();
                foreach (var (d, v) in values) obj[d.Name()] = v;
                obj["precision"] = engine.Precision;
                obj["device"] = engine.DeviceKind;
                obj["device_name"] = engine.DeviceName;
                obj["target"] = targetP.ToString();
                obj["q"] = qq.ToString();
                context.Out.Write(JsonFile.Serialize(obj));
            }
            else
            {
                context.Out.WriteLine($"p = {targetP}");
                context.Out.WriteLine(targetP.IsTwoModes ? $"q = {qq} along u, N(0, 1) in the {targetP.Dimension - 1} directions across u" : $"q = {qq}");
                foreach (var (d, v) in values)
                    context.Out.WriteLine($"{d.Name(),-8} {d.Label()} = {(double.IsPositiveInfinity(v) ? "inf" : v.ToString("R", CultureInfo.InvariantCulture))}{d.Unit}");
                // A mixture q's non-KL divergences run on the host in double whatever --precision says; say so.
                bool hostDouble = qq.Count > 1 && engine.Precision != Precision.Double && divergences.Any(d => d.AsKl is null);
                context.Out.WriteLine($"device: {engine.DeviceKind} ({engine.DeviceName}), {engine.Precision.ToString().ToLowerInvariant()} precision"
                    + (hostDouble ? " (divergences other than the KLs with a mixture q: double, on the host)" : ""));
            }
            return Cli.Ok;
        });
        return command;
    }
}
