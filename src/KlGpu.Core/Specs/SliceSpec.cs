using KlGpu.Kernels;
using KlGpu.Landscape;
using KlGpu.Numerics;

namespace KlGpu.Specs;

/// <summary>
/// <c>--family mixture:K --q SPEC --vary mean1,mean2 --x MIN:MAX:N --y MIN:MAX:N</c> as a <see cref="MixtureSlice"/>,
/// every inconsistency a one-line <see cref="UsageException"/> that starts with the option the CLI names (<see cref="Options"/>).
/// </summary>
public static class SliceSpec
{
    /// <summary>The names of the options a slice is given by, for the messages.</summary>
    public sealed record Options(string Family, string Q, string Vary, string X, string Y);

    public static MixtureSlice Parse(int components, string? q, string? vary, string? x, string? y, Options o)
    {
        if (string.IsNullOrWhiteSpace(q))
            throw new UsageException($"{o.Q}: {o.Family} mixture:{components} slices a given mixture; give it, e.g. {o.Q} \"0.5*N(-1,0.5) + 0.5*N(1,0.5)\"");
        var mixture = MixtureSpec.Parse(q, o.Q);
        if (mixture.Count != components)
            throw new UsageException($"{o.Q}: it has {mixture.Count} component(s); {o.Family} mixture:{components} needs {components}");
        string[] names = (vary ?? "").Split(',', StringSplitOptions.TrimEntries);
        if (names.Length != 2 || names.Any(n => n.Length == 0))
            throw new UsageException($"{o.Vary}: name two parameters of q, e.g. {o.Vary} mean1,mean2 (it has {Names(components)})");
        var px = Name(names[0], components, o.Vary);
        var py = Name(names[1], components, o.Vary);
        if (px == py) throw new UsageException($"{o.Vary}: {px} is named twice; a slice varies two different parameters");

        var ax = Axis(x, o.X, px, mixture);
        var ay = Axis(y, o.Y, py, mixture);
        bool weightX = px.Kind == MixtureParameter.Weight, weightY = py.Kind == MixtureParameter.Weight;
        int freeWeights = components - (weightX ? 1 : 0) - (weightY ? 1 : 0);
        if ((weightX || weightY) && freeWeights == 0)
            throw new UsageException($"{o.Vary}: varying {(weightX && weightY ? $"{px} and {py}" : weightX ? px.Name : py.Name)} leaves no other weight of q to make the weights sum to 1");
        double most = (weightX ? ax.Max : 0) + (weightY ? ay.Max : 0);
        if (most >= 1)
            throw new UsageException($"{o.Vary}: the varied weights reach {SpecText.Show(most)} together; they must stay below 1");
        return new MixtureSlice(mixture, new SliceAxis(px, ax), new SliceAxis(py, ay));
    }

    static string Names(int components) => string.Join(", ", MixtureParameterName.All(components).Select(p => p.Name));

    static MixtureParameterName Name(string text, int components, string what) =>
        MixtureParameterName.TryParse(text, components)
        ?? throw new UsageException($"{what}: mixture:{components} has no parameter {SpecText.Quote(text)} (it has {Names(components)})");

    static GridAxis Axis(string? text, string what, MixtureParameterName parameter, GaussianMixture q)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new UsageException($"{what}: give the range of {parameter}, e.g. {what} {SpecText.Show(parameter.ValueIn(q) - 1)}:{SpecText.Show(parameter.ValueIn(q) + 1)}:128");
        var axis = RangeSpec.ParseAxis(text, $"{what} ({parameter})", positive: parameter.Kind != MixtureParameter.Mean);
        if (parameter.Kind == MixtureParameter.Weight && axis.Max >= 1)
            throw new UsageException($"{what} ({parameter}): a weight must be below 1, got {SpecText.Show(axis.Max)}");
        return axis;
    }
}
