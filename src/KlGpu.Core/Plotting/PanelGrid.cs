using ScottPlot;
using SkiaSharp;

namespace KlGpu.Plotting;

/// <summary>Plots drawn into equal cells of a grid, row by row from the top left; empty cells stay white.</summary>
public sealed class PanelGrid(IReadOnlyList<Plot> panels, int columns)
{
    public IReadOnlyList<Plot> Panels { get; } = panels;
    public int Columns { get; } = columns;
    public int Rows => (Panels.Count + Columns - 1) / Columns;

    public void Render(SKCanvas canvas, PixelRect rect)
    {
        canvas.Clear(SKColors.White);
        float width = rect.Width / Columns, height = rect.Height / Rows;
        for (int i = 0; i < Panels.Count; i++)
        {
            float left = rect.Left + i % Columns * width, top = rect.Top + i / Columns * height;
            // A plot clears the whole canvas it renders on, so each is recorded alone and played back clipped to its cell.
            using var recorder = new SKPictureRecorder();
            Panels[i].Render(recorder.BeginRecording(SKRect.Create(width, height)), new PixelRect(0, width, height, 0));
            using var picture = recorder.EndRecording();
            canvas.Save();
            canvas.Translate(left, top);
            canvas.ClipRect(SKRect.Create(width, height));
            canvas.DrawPicture(picture);
            canvas.Restore();
        }
    }
}
