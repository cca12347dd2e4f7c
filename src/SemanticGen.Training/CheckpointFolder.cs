using System.Globalization;

namespace SemanticGen.Training;

/// <summary>
/// Names and housekeeping of a checkpoint root: <c>step-NNNNNN/</c> folders, the <c>latest</c> pointer file (the
/// name of the newest complete folder), temporary <c>.tmp-*</c> folders, and keep-last-K pruning.
/// </summary>
public static class CheckpointFolder
{
    /// <summary>The pointer file's name.</summary>
    public const string LatestPointer = "latest";

    private const string StepPrefix = "step-";
    private const string TemporaryPrefix = ".tmp-";

    /// <summary>The folder name for a step, e.g. <c>step-000100</c>.</summary>
    public static string NameFor(long step) => StepPrefix + step.ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>The committed checkpoint <c>latest</c> points at, or null when there is no pointer.</summary>
    /// <exception cref="CheckpointException">The pointer names a folder that does not exist or is not a checkpoint name.</exception>
    public static string? FindLatest(string root)
    {
        var pointer = Path.Combine(root, LatestPointer);
        if (!File.Exists(pointer))
        {
            return null;
        }
        var name = File.ReadAllText(pointer).Trim();
        if (ParseStep(name) is null)
        {
            throw new CheckpointException(pointer, $"the pointer holds '{name}', which is not a checkpoint folder name ({StepPrefix}NNNNNN).");
        }
        var folder = Path.Combine(root, name);
        if (!Directory.Exists(folder))
        {
            throw new CheckpointException(pointer, $"the pointer names '{name}', but that folder does not exist.");
        }
        return folder;
    }

    /// <summary>Creates a fresh temporary folder under <paramref name="root"/>, removing any left by an earlier crash.</summary>
    internal static string CreateTemporary(string root, long step)
    {
        Directory.CreateDirectory(root);
        foreach (var stale in Directory.GetDirectories(root, TemporaryPrefix + "*"))
        {
            Directory.Delete(stale, recursive: true);
        }
        var temporary = Path.Combine(root, $"{TemporaryPrefix}{NameFor(step)}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temporary);
        return temporary;
    }

    /// <summary>Renames the finished temporary folder to its step name, then repoints <c>latest</c> at it.</summary>
    internal static string Commit(string root, string temporary, long step)
    {
        var final = Path.Combine(root, NameFor(step));
        if (Directory.Exists(final))
        {
            // Left by a crash between the rename and the pointer update (so not the latest), or a repeated step.
            Directory.Delete(final, recursive: true);
        }
        Directory.Move(temporary, final);
        AtomicFile.WriteAllText(Path.Combine(root, LatestPointer), NameFor(step));
        return final;
    }

    /// <summary>Deletes all but the newest <paramref name="keepLast"/> step folders, never the one <c>latest</c> names.</summary>
    internal static void Prune(string root, int keepLast)
    {
        var latest = FindLatest(root);
        var committed = Directory.GetDirectories(root, StepPrefix + "*")
            .Select(path => (Path: path, Step: ParseStep(Path.GetFileName(path))))
            .Where(f => f.Step is not null)
            .OrderByDescending(f => f.Step)
            .ToList();
        foreach (var (path, _) in committed.Skip(keepLast))
        {
            if (latest is null || !string.Equals(Path.GetFullPath(path), Path.GetFullPath(latest), StringComparison.Ordinal))
            {
                Directory.Delete(path, recursive: true);
            }
        }
    }

    /// <summary>The step a checkpoint folder (path or name, e.g. <c>…/step-000100</c>) holds; null for other names.</summary>
    public static long? StepOf(string folder) => ParseStep(Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar)));

    private static long? ParseStep(string name) =>
        name.StartsWith(StepPrefix, StringComparison.Ordinal)
        && long.TryParse(name.AsSpan(StepPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var step)
            ? step
            : null;
}
