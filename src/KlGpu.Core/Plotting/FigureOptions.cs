namespace KlGpu.Plotting;

/// <summary>How a landscape figure is drawn. The defaults make a figure for a paper.</summary>
public sealed record FigureOptions
{
    public static FigureOptions Default { get; } = new();

    /// <summary>Colour by log10 of the divergence (colour bar ticks still show true values); false: linear.</summary>
    public bool LogColor { get; init; } = true;

    /// <summary>Draw contour lines at round values of the divergence, labelled.</summary>
    public bool Contours { get; init; } = true;

    /// <summary>About how many contour lines; they are placed at round values, so the count varies a little.</summary>
    public int ContourCount { get; init; } = 10;

    /// <summary>Image size in pixels of one panel.</summary>
    public int Width { get; init; } = 900;
    public int Height { get; init; } = 700;

    /// <summary>A ScottPlot colormap by name, case-insensitive ("Viridis", "Turbo", "Inferno", …).</summary>
    public string Colormap { get; init; } = "Viridis";

    /// <summary>The q family named in titles, and the name of its scale axis; null: the Gaussian family, "σ".
    /// A family other than the Gaussian one draws no moment-matching marker (that is the Gaussian forward optimum).</summary>
    public string? Family { get; init; }
    public string ScaleName { get; init; } = "σ";

    /// <summary>The default options for figures of a family of q.</summary>
    public static FigureOptions For(Families.FitFamily family) => Default with { Family = family.FigureTitle, ScaleName = family.ScaleName };
}
