using System.Globalization;
using System.Text.RegularExpressions;

namespace KlGpu.Sharding;

/// <summary>
/// One piece of a study split for a cluster scheduler: shard <see cref="Index"/> of <see cref="Count"/>, 0-based. Work is
/// divided by its global index, never by a per-shard seed, so the pieces merged are the whole run: interleaved items
/// (<see cref="Interleaved"/>: landscape σ rows, sweep values) or one contiguous range (<see cref="Contiguous"/>: restarts).
/// </summary>
public sealed partial record Shard(int Index, int Count)
{
    /// <summary>The variables a scheduler sets to a task's 0-based index: a Slurm job array's and a Kubernetes Indexed Job's.</summary>
    public static readonly string[] IndexVariables = ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"];

    /// <summary>The folder under the output folder that holds every shard.</summary>
    public const string Folder = "shards";

    /// <summary>Most shards of one study.</summary>
    public const int MaxCount = 100_000;

    /// <summary>I/N as the option takes it and the manifest records it.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");

    /// <summary>This shard's folder name, I-of-N.</summary>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"{Index}-of-{Count}");

    /// <summary>This shard's folder inside the study's output folder.</summary>
    public string Dir(string outDir) => Path.Combine(outDir, Folder, Name);

    /// <summary>The shard an I-of-N folder name stands for, or null for any other name.</summary>
    public static Shard? FromName(string name)
    {
        var m = FolderName().Match(name);
        if (!m.Success || !int.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out int i)
            || !int.TryParse(m.Groups[2].Value, CultureInfo.InvariantCulture, out int n) || n < 1 || n > MaxCount || i >= n)
            return null;
        return new Shard(i, n);
    }

    /// <summary>
    /// <c>--shard I/N</c>, or <c>--shard auto --shards N</c> with I from <see cref="IndexVariables"/> (exactly one of them set);
    /// null when neither option is given. Every refusal is one line naming the option.
    /// </summary>
    public static Shard? Parse(string? text, int? shards, Func<string, string?> environment, string option = "--shard", string countOption = "--shards")
    {
        if (text is null)
        {
            if (shards is not null) throw new UsageException($"{countOption}: only with {option} auto (the index then comes from {string.Join(" or ", IndexVariables)})");
            return null;
        }
        text = text.Trim();
        if (text.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            if (shards is not { } n) throw new UsageException($"{option} auto: give the number of shards with {countOption} N, e.g. {option} auto {countOption} 8 (a Kubernetes Indexed Job exports no count)");
            if (n < 1 || n > MaxCount) throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"{countOption}: expected a whole number from 1 to {MaxCount:N0}, got {n}"));
            var set = IndexVariables.Where(v => !string.IsNullOrEmpty(environment(v))).ToArray();
            if (set.Length == 0)
                throw new UsageException($"{option} auto: neither {string.Join(" nor ", IndexVariables)} is set; run it as a Slurm array task or a Kubernetes Indexed Job, or give {option} I/{n}");
            if (set.Length > 1)
                throw new UsageException($"{option} auto: both {set[0]} and {set[1]} are set, so the index is ambiguous; unset one or give {option} I/{n}");
            string value = environment(set[0])!.Trim();
            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int i))
                throw new UsageException($"{option} auto: {set[0]} is {SpecText(value)}, not a 0-based index");
            if (i >= n)
                throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                    $"{option} auto: {set[0]} = {i} is not below {countOption} {n}; the index is 0-based (0 to {n - 1}), e.g. sbatch --array=0-{n - 1}"));
            return new Shard(i, n);
        }
        if (shards is not null) throw new UsageException($"{countOption}: only with {option} auto; {option} I/N names the count itself");
        var m = Fraction().Match(text);
        if (!m.Success || !int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(m.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int count))
            throw new UsageException($"{option}: expected I/N with 0 ≤ I < N (the index is 0-based), or auto with {countOption} N, e.g. {option} 0/4; got {SpecText(text)}");
        if (count < 1 || count > MaxCount)
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"{option}: the count N must be from 1 to {MaxCount:N0}, got {SpecText(text)}"));
        if (index >= count)
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"{option}: index {index} is not below the count {count}; the index is 0-based (0 to {count - 1}), got {SpecText(text)}"));
        return new Shard(index, count);
    }

    /// <summary>The items of <paramref name="total"/> with <c>i % N == I</c>, in order (σ rows, sweep values).</summary>
    public int[] Interleaved(int total) => Enumerable.Range(0, Math.Max(0, (total - Index + Count - 1) / Count)).Select(k => Index + k * Count).ToArray();

    /// <summary>This shard's contiguous share of <paramref name="total"/> items: [⌊I·total/N⌋, ⌊(I+1)·total/N⌋).</summary>
    public (int First, int Count) Contiguous(int total)
    {
        int first = (int)((long)Index * total / Count), end = (int)((long)(Index + 1) * total / Count);
        return (first, end - first);
    }

    /// <summary>Refuses more shards than items, so that no shard is empty.</summary>
    public void CheckItems(int total, string what)
    {
        if (Count > total)
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--shard: {Count} shards of only {total:N0} {what} would leave some empty; use at most {total}"));
    }

    static string SpecText(string text) => KlGpu.Specs.SpecText.Quote(text);

    [GeneratedRegex(@"^([0-9]+)\s*/\s*([0-9]+)$")]
    private static partial Regex Fraction();

    [GeneratedRegex(@"^(0|[1-9][0-9]*)-of-([1-9][0-9]*)$")]
    private static partial Regex FolderName();
}
