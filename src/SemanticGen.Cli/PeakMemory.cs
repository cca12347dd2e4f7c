using System.Globalization;

namespace SemanticGen.Cli;

/// <summary>The process's peak resident memory (VmHWM), resettable through /proc/self/clear_refs (Linux).</summary>
internal static class PeakMemory
{
    public static void Reset()
    {
        GC.Collect();
        try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public static double ResidentMiB()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : ParseStatusKiB(line) / 1024;
    }

    /// <summary>The process's current resident memory (VmRSS) in MiB.</summary>
    public static double CurrentMiB()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? double.NaN : ParseStatusKiB(line) / 1024;
    }

    /// <summary>The number of a /proc status line such as "VmHWM:\t12345678 kB" (tab and/or spaces before it).</summary>
    internal static double ParseStatusKiB(string line) =>
        double.Parse(line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
