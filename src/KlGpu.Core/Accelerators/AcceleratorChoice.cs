using System.Globalization;

namespace KlGpu.Accelerators;

/// <summary>
/// What <c>--accelerator</c> asks for: a kind, and for CUDA optionally which device, <c>cuda:K</c> with K the index
/// <c>klgpu devices</c> lists (CUDA's own order, so <c>CUDA_VISIBLE_DEVICES</c> renumbers it). Plain <c>cuda</c> is
/// <c>cuda:0</c>. One process drives one device; several GPUs mean several processes.
/// </summary>
public readonly record struct AcceleratorChoice(AcceleratorKind Kind, int? CudaDevice = null)
{
    public static implicit operator AcceleratorChoice(AcceleratorKind kind) => new(kind);

    /// <summary>auto, cuda, cuda:K, opencl or cpu, case-insensitive; anything else is a one-line UsageException naming <paramref name="what"/>.</summary>
    public static AcceleratorChoice Parse(string? text, string what)
    {
        string t = (text ?? "").Trim();
        int colon = t.IndexOf(':');
        if (colon < 0) return new(Specs.Choice.Parse<AcceleratorKind>(t, what));
        if (!string.Equals(t[..colon].Trim(), "cuda", StringComparison.OrdinalIgnoreCase))
        {
            // a known kind with an index, or an unknown name: the message lists the valid ones
            bool known = Enum.GetValues<AcceleratorKind>().Any(k => string.Equals(k.ToString(), t[..colon].Trim(), StringComparison.OrdinalIgnoreCase));
            if (!known) return new(Specs.Choice.Parse<AcceleratorKind>(t, what));
            throw new UsageException($"{what}: only CUDA devices are chosen by index (cuda:K), got {Specs.SpecText.Quote(t)}");
        }
        string index = t[(colon + 1)..];
        if (!int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out int k))
            throw new UsageException($"{what}: expected cuda:K with K a device index 0, 1, … as `klgpu devices` lists them, got {Specs.SpecText.Quote(t)}");
        return new(AcceleratorKind.Cuda, k);
    }

    /// <summary>As the user writes it, and as manifests record it.</summary>
    public override string ToString() => CudaDevice is int k ? $"cuda:{k}" : Kind.ToString().ToLowerInvariant();
}
