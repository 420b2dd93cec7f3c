namespace KlGpu.Accelerators;

public enum AcceleratorKind { Auto, Cuda, OpenCL, Cpu }
