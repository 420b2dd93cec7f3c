using System.Globalization;
using System.Text.Json;
using KlGpu.Numerics;

namespace KlGpu.Specs;

/// <summary>One flow q (<see cref="SinhArcsinhFlow"/>): θ = (μ, log σ, then α, β, ε, γ per layer).</summary>
public sealed record FlowQ(double[] Theta)
{
    public int Layers => (Theta.Length - 2) / SinhArcsinhFlow.ParametersPerLayer;

    /// <summary>The spec text <see cref="FlowSpec.Parse"/> reads back: flow(μ, σ; S(α, e^β, ε, δ); …).</summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        string Show(double v) => v.ToString("R", c);
        var parts = new List<string> { $"{Show(Theta[0])}, {Show(Math.Exp(Theta[1]))}" };
        for (int k = 0; k < Layers; k++)
        {
            int o = 2 + SinhArcsinhFlow.ParametersPerLayer * k;
            parts.Add($"S({Show(Theta[o])}, {Show(Math.Exp(Theta[o + 1]))}, {Show(Theta[o + 2])}, {Show(Math.Exp(Theta[o + 3]))})");
        }
        return $"flow({string.Join("; ", parts)})";
    }
}

/// <summary>
/// A flow q as text: <c>flow(MU, SIGMA)</c> (N(μ, σ), no layers) or <c>flow(MU, SIGMA; S(ALPHA, SCALE, EPSILON, DELTA); …)</c>,
/// each <c>S</c> one sinh–arcsinh layer y ↦ sinh(δ·asinh(α + scale·y) + ε), layer 1 first (nearest z); SIGMA, SCALE and
/// DELTA positive, the identity layer S(0, 1, 0, 1). Or <c>@file.json</c> holding
/// <c>{"mu": M, "sigma": S, "layers": [{"alpha": A, "scale": C, "epsilon": E, "delta": D}, …]}</c>.
/// </summary>
public static class FlowSpec
{
    /// <summary>Whether the text names a flow (so eval reads it here rather than as a mixture).</summary>
    public static bool IsFlow(string? text)
    {
        string t = (text ?? "").Trim();
        if (t.StartsWith('@'))
        {
            string path = t[1..].Trim();
            if (path.Length == 0 || !File.Exists(path)) return false;
            string json = ReadText(path);
            return json.TrimStart().StartsWith('{') && json.Contains("\"layers\"");
        }
        return t.StartsWith("flow", StringComparison.OrdinalIgnoreCase) && SpecText.SkipSpace(t, 4) < t.Length && t[SpecText.SkipSpace(t, 4)] == '(';
    }

    public static FlowQ Parse(string text, string what)
    {
        string t = text.Trim();
        return t.StartsWith('@') ? ParseFile(t[1..].Trim(), what) : ParseText(t, what);
    }

    static FlowQ ParseText(string s, string what)
    {
        int pos = SpecText.SkipSpace(s, 4);
        Expect(s, ref pos, '(', what);
        double mu = SpecText.ReadNumber(s, ref pos, what, "the mean μ");
        Expect(s, ref pos, ',', what);
        double sigma = Positive(SpecText.ReadNumber(s, ref pos, what, "the scale σ"), what, "σ");
        var theta = new List<double> { mu, Math.Log(sigma) };
        pos = SpecText.SkipSpace(s, pos);
        while (pos < s.Length && s[pos] == ';')
        {
            pos = SpecText.SkipSpace(s, pos + 1);
            if (pos >= s.Length || char.ToUpperInvariant(s[pos]) != 'S')
                throw new UsageException($"{what}: expected a layer S(ALPHA, SCALE, EPSILON, DELTA) at {SpecText.At(s, pos)}");
            pos++;
            Expect(s, ref pos, '(', what);
            double alpha = SpecText.ReadNumber(s, ref pos, what, "the layer's shift α");
            Expect(s, ref pos, ',', what);
            double scale = Positive(SpecText.ReadNumber(s, ref pos, what, "the layer's input scale"), what, "a layer's input scale");
            Expect(s, ref pos, ',', what);
            double epsilon = SpecText.ReadNumber(s, ref pos, what, "the layer's skew ε");
            Expect(s, ref pos, ',', what);
            double delta = Positive(SpecText.ReadNumber(s, ref pos, what, "the layer's tail δ"), what, "a layer's δ");
            Expect(s, ref pos, ')', what);
            theta.AddRange([alpha, Math.Log(scale), epsilon, Math.Log(delta)]);
            pos = SpecText.SkipSpace(s, pos);
        }
        Expect(s, ref pos, ')', what);
        pos = SpecText.SkipSpace(s, pos);
        if (pos != s.Length) throw new UsageException($"{what}: unexpected {SpecText.At(s, pos)} after the flow");
        return Checked(theta.ToArray(), what);
    }

    static FlowQ Checked(double[] theta, string what)
    {
        int layers = (theta.Length - 2) / SinhArcsinhFlow.ParametersPerLayer;
        if (layers > SinhArcsinhFlow.MaxLayers)
            throw new UsageException($"{what}: a flow has at most {SinhArcsinhFlow.MaxLayers} layers, got {layers}");
        for (int i = 1; i < theta.Length; i += 2) // log σ, then each layer's β and γ: every odd index
            if (Math.Abs(theta[i]) >= SinhArcsinhFlow.LogScaleLimit)
                throw new UsageException($"{what}: σ, a layer's scale and δ must lie within e^±{SinhArcsinhFlow.LogScaleLimit:0}");
        return new FlowQ(theta);
    }

    static double Positive(double v, string what, string role) =>
        v > 0 ? v : throw new UsageException($"{what}: {role} must be positive, got {SpecText.Show(v)}");

    static void Expect(string s, ref int pos, char c, string what)
    {
        pos = SpecText.SkipSpace(s, pos);
        if (pos >= s.Length || s[pos] != c) throw new UsageException($"{what}: expected '{c}' at {SpecText.At(s, pos)}");
        pos++;
    }

    static string ReadText(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ""; }
    }

    static FlowQ ParseFile(string path, string what)
    {
        string at = "@" + path;
        string json;
        try { json = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new UsageException($"{what}: cannot read {at}: {(e is FileNotFoundException or DirectoryNotFoundException ? "file not found" : SpecText.OneLine(e.Message))}");
        }
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new UsageException($"{what}: {at} must hold an object with \"mu\", \"sigma\" and \"layers\"");
            double Number(JsonElement e, string name, string where)
            {
                if (!e.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Number)
                    throw new UsageException($"{what}: {at} needs a number \"{name}\"{where}");
                double d = v.GetDouble();
                return double.IsFinite(d) ? d : throw new UsageException($"{what}: {at}: \"{name}\"{where} is not finite");
            }
            foreach (var p in root.EnumerateObject())
                if (p.Name is not ("mu" or "sigma" or "layers"))
                    throw new UsageException($"{what}: {at} has unknown field \"{p.Name}\" (expected mu, sigma, layers)");
            var theta = new List<double> { Number(root, "mu", ""), Math.Log(Positive(Number(root, "sigma", ""), what, "σ")) };
            if (root.TryGetProperty("layers", out var layers))
            {
                if (layers.ValueKind != JsonValueKind.Array) throw new UsageException($"{what}: {at}: \"layers\" must be an array");
                int k = 0;
                foreach (var layer in layers.EnumerateArray())
                {
                    string where = $" in layers[{k++}]";
                    if (layer.ValueKind != JsonValueKind.Object) throw new UsageException($"{what}: {at}: each layer is an object with alpha, scale, epsilon, delta");
                    foreach (var p in layer.EnumerateObject())
                        if (p.Name is not ("alpha" or "scale" or "epsilon" or "delta"))
                            throw new UsageException($"{what}: {at} has unknown field \"{p.Name}\"{where} (expected alpha, scale, epsilon, delta)");
                    theta.AddRange([Number(layer, "alpha", where), Math.Log(Positive(Number(layer, "scale", where), what, "a layer's scale")),
                        Number(layer, "epsilon", where), Math.Log(Positive(Number(layer, "delta", where), what, "a layer's δ"))]);
                }
            }
            return Checked(theta.ToArray(), what);
        }
        catch (JsonException e)
        {
            throw new UsageException($"{what}: {at} is not valid JSON: {SpecText.OneLine(e.Message)}");
        }
    }
}
