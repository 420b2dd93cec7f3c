namespace KlGpu;

/// <summary>
/// Bad input from the user: the CLI prints the message as one line on stderr and exits with code 2.
/// Messages name the offending value and say what is expected.
/// </summary>
public sealed class UsageException(string message) : Exception(message);
