namespace KlGpu;

/// <summary>Working precision of the kernels. Double is the reference.</summary>
public enum Precision { Double, Single }
