namespace KlGpu.Cli;

/// <summary><c>klgpu eval</c>: the divergences between two mixtures.</summary>
internal static class EvalCommand
{
    public static Command Create(CliContext context)
    {
        var target = CommonOptions.Target(required: true, heavyTails: true,
            help: "The target p: a mixture of N(mean,std) terms, which may also hold Student-t T(nu,mean,scale) and Laplace L(mean,scale) terms (then forward and reverse KL only for an N q), e.g. --target \"0.5*N(-2,1) + 0.5*N(2,1)\" or --target \"0.5*T(3,-2,1) + 0.5*L(2,1)\" or --target @mixture.json, or the d-dimensional ½N(0,I) + ½N(u,I), e.g. --target \"two-modes(d=20, sep=5)\"");
        var q = new Option<string>("--q")
        {
            Description = "The approximation q: a mixture of N(mean,std) terms or @mixture.json, e.g. --q \"N(0,1.5)\", or a flow flow(MU,SIGMA; S(ALPHA,SCALE,EPSILON,DELTA); ...) or @flow.json against a 1-D Gaussian mixture, forward and reverse KL only (docs/flow.md), e.g. --q \"flow(0,2; S(0,2,0,0.5))\", or one Student-t T(nu,mean,scale) against a 1-D target, every divergence but ksd whose integral is finite (docs/divergences.md), e.g. --q \"T(3,0,1.5)\"; no L(mean,scale) terms; against a target with T or L terms q is one N or T, against two-modes q is along u (N(0,1) across it) and not a T",
            Required = true,
            HelpName = "SPEC",
        };
        var divergence = CommonOptions.Divergences(family: true, ksd: true);
        var precision = CommonOptions.Precision();
        var accelerator = CommonOptions.Accelerator();
        var json = new Option<bool>("--json") { Description = "Print one JSON object {\"forward\": ..., \"reverse\": ..., \"precision\": ..., \"device\": ...} (one key per divergence; a diverging one is \"Infinity\"), e.g. --json" };

        var command = new Command("eval", "KL(p||q) and KL(q||p), or any --divergence of the family, between a target p and an approximation q (the terms each takes: see --target and --q), e.g. klgpu eval --target \"0.5*N(-2,1) + 0.5*N(2,1)\" --q \"N(0,2)\"")
        {
            target, q, divergence, precision, accelerator, json,
        };
        command.SetAction(r =>
        {
            var targetP = r.GetValue(target);
            if (FlowSpec.IsFlow(r.GetValue(q))) return EvaluateFlow(context, targetP, FlowSpec.Parse(r.GetValue(q)!, "--q"), r.GetValue(divergence)!,
                r.GetValue(precision), r.GetValue(accelerator), r.GetValue(json));
            // q may also be one Student-t, T(nu,mean,scale), against a 1-D target.
            var (qGaussian, qStudent) = MixtureSpec.ParseWithTails(r.GetValue(q), "--q");
            if (qStudent is not null && (qStudent.Count != 1 || qStudent.Kinds[0] != ComponentKind.StudentT))
                throw new UsageException($"--q: a heavy-tailed q must be a single Student-t T(nu,mean,scale), not \"{qStudent}\"");
            string qText = qGaussian?.ToString() ?? qStudent!.ToString();
            if (qGaussian is not null) ParameterDomain.CheckQ(targetP, qGaussian, "--q");
            else ParameterDomain.CheckQ(targetP, qStudent!.Means[0], qStudent.Means[0], qStudent.Scales[0], qStudent.Scales[0], "--q", "the scale");
            var divergences = r.GetValue(divergence);
            ParameterDomain.CheckKsd(divergences, qGaussian?.Stds.Min() ?? qStudent!.Scales[0], "--q");
            var prec = r.GetValue(precision);
            var kind = r.GetValue(accelerator);
            // q is one member of a family: a Student-t or a Gaussian at (location, scale), or a Gaussian mixture.
            FitFamily fam = qStudent is not null ? FitFamily.Student(qStudent.Nus[0])
                : qGaussian!.Count > 1 ? new MixtureFamily(qGaussian.Count) : FitFamily.Gaussian;
            try { fam.CheckMap(targetP, divergences); }
            catch (UnsupportedFitException e) when (e.Part == FitPart.Family) { throw new UsageException($"--q: {e.Message}"); }
            context.Cancel.ThrowIfCancellationRequested();
            using var engine = KlEngine.Create(kind, prec);
            // In d dimensions: q along u, N(0, 1) across it, where p/q depends on x₁ alone and every divergence is its 1-D value.
            // A Gaussian mixture target and a Gaussian or mixture q: the mixture-to-mixture value (cross expectations, f-panels).
            var values = divergences.ToDictionary(d => d, d =>
                qStudent is not null ? engine.Evaluate(targetP, (StudentFamily)fam, qStudent.Means[0], qStudent.Scales[0], d)
                : targetP is HeavyTailedTarget ? engine.Evaluate(targetP, FitFamily.Gaussian, qGaussian!.Means[0], qGaussian.Stds[0], d)
                : engine.Evaluate(targetP.Marginal, qGaussian!, d));
            var qq = qGaussian;
            if (r.GetValue(json))
            {
                var obj = new Dictionary<string, object>();
                foreach (var (d, v) in values) obj[d.Name()] = v;
                obj["precision"] = engine.Precision;
                obj["device"] = engine.DeviceKind;
                obj["device_name"] = engine.DeviceName;
                obj["target"] = targetP.ToString();
                obj["q"] = qText;
                context.Out.Write(JsonFile.Serialize(obj));
            }
            else
            {
                context.Out.WriteLine($"p = {targetP}");
                context.Out.WriteLine($"q = {qText}{targetP.Along}" + (targetP.Dimension > 1 ? $", N(0, 1) in the {targetP.Dimension - 1} directions across u" : ""));
                foreach (var (d, v) in values)
                    context.Out.WriteLine($"{d.Name(),-8} {d.Label()} = {(double.IsPositiveInfinity(v) ? "inf" : v.ToString("R", CultureInfo.InvariantCulture))}{d.Unit}");
                // A mixture q's non-KL divergences run on the host in double whatever --precision says; say so.
                bool hostDouble = qq is { Count: > 1 } && engine.Precision != Precision.Double && divergences.Any(d => d.AsKl is null);
                context.Out.WriteLine($"device: {engine.DeviceKind} ({engine.DeviceName}), {engine.Precision.ToString().ToLowerInvariant()} precision"
                    + (hostDouble ? " (divergences other than the KLs with a mixture q: double, on the host)" : ""));
            }
            return Cli.Ok;
        });
        return command;
    }

    /// <summary>A flow q (docs/flow.md): forward and reverse KL on the flow's kernel, in the engine's precision.</summary>
    static int EvaluateFlow(CliContext context, Target p, FlowQ flow, IReadOnlyList<Divergence> divergences, Precision precision,
        AcceleratorChoice kind, bool json)
    {
        var family = new FlowFamily(flow.Layers);
        try { family.CheckMap(p, divergences); }
        catch (UnsupportedFitException e) { throw new UsageException($"{(e.Part == FitPart.Divergence ? "--divergence" : "--q")}: {e.Message}"); }
        context.Cancel.ThrowIfCancellationRequested();
        using var engine = KlEngine.Create(kind, precision);
        var values = divergences.ToDictionary(d => d, d => engine.Gradient(p.Marginal, new FlowFamily(flow.Layers), d, flow.Theta).Value[0]);
        // Both KLs of a flow against a Gaussian mixture are finite: a value that is not is a q the quadrature cannot follow.
        if (values.Values.Any(v => !double.IsFinite(v)))
            throw new UsageException($"--q: {flow} is stretched beyond what the flow's quadrature follows (more than {SinhArcsinhFlow.MaxPanels} panels, or beyond the {engine.Precision.ToString().ToLowerInvariant()} range)");
        if (json)
        {
            var obj = new Dictionary<string, object>();
            foreach (var (d, v) in values) obj[d.Name()] = v;
            obj["precision"] = engine.Precision;
            obj["device"] = engine.DeviceKind;
            obj["device_name"] = engine.DeviceName;
            obj["target"] = p.ToString();
            obj["q"] = flow.ToString();
            context.Out.Write(JsonFile.Serialize(obj));
            return Cli.Ok;
        }
        context.Out.WriteLine($"p = {p}");
        context.Out.WriteLine($"q = {flow}: {family.Describe}");
        foreach (var (d, v) in values)
            context.Out.WriteLine($"{d.Name(),-8} {d.Label()} = {v.ToString("R", CultureInfo.InvariantCulture)}{d.Unit}");
        context.Out.WriteLine($"device: {engine.DeviceKind} ({engine.DeviceName}), {engine.Precision.ToString().ToLowerInvariant()} precision");
        return Cli.Ok;
    }
}
