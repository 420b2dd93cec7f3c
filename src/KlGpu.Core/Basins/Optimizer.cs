namespace KlGpu.Basins;

/// <summary>The update rule of every restart.</summary>
public enum Optimizer
{
    /// <summary>Adam with β1 = 0.9, β2 = 0.999, ε = 1e-8: per-coordinate step sizes, the default.</summary>
    Adam,
    /// <summary>Plain gradient descent.</summary>
    Sgd,
    /// <summary>Heavy-ball momentum, β = 0.9.</summary>
    Momentum,
}
