using System.Diagnostics;
using SemanticGen.Weights.Tests.TestSupport;
using TorchSharp;

namespace SemanticGen.Weights.Tests;

/// <summary>
/// Thousands of deterministic mutations of valid files: each must either open and read every tensor, or fail with
/// <see cref="SafetensorsFormatException"/>; nothing else (no index, overflow, out-of-memory or torch error), fast.
/// </summary>
public sealed class FuzzTests
{
    private const int Seed = 20_250_611;
    private const int CasesPerBase = 1_250;
    private static readonly TimeSpan TotalBudget = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan CaseBudget = TimeSpan.FromSeconds(2);

    [Fact(Timeout = 60_000)]
    public async Task Every_mutated_file_either_loads_fully_or_fails_with_a_format_error()
    {
        using var folder = new TempFolder();
        var bases = BaseFiles(folder);
        var outcome = await Task.Run(() => RunAll(bases, folder), TestContext.Current.CancellationToken);

        outcome.Failures.Should().BeEmpty();
        outcome.Elapsed.Should().BeLessThan(TotalBudget);
        outcome.Slowest.Should().BeLessThan(CaseBudget);
        // Guards against a fuzzer that only produces one kind of case (e.g. everything rejected at the prefix).
        outcome.Loaded.Should().BeGreaterThan(outcome.Cases / 20);
        outcome.Rejected.Should().BeGreaterThan(outcome.Cases / 2);
        outcome.Rules.Should().HaveCountGreaterThanOrEqualTo(18);
    }

    private sealed record Outcome(int Cases, int Loaded, int Rejected, HashSet<string> Rules, List<string> Failures, TimeSpan Elapsed, TimeSpan Slowest);

    private static Outcome RunAll(IReadOnlyList<byte[]> bases, TempFolder folder)
    {
        var mutator = new HeaderMutator(new Random(Seed));
        var path = folder.File("fuzz.safetensors");
        var rules = new HashSet<string>();
        var failures = new List<string>();
        int loaded = 0, rejected = 0, cases = 0;
        var slowest = TimeSpan.Zero;
        var total = Stopwatch.StartNew();
        foreach (var original in bases)
        {
            for (var i = 0; i < CasesPerBase; i++, cases++)
            {
                var (mutation, bytes) = mutator.Mutate(original);
                File.WriteAllBytes(path, bytes);
                var watch = Stopwatch.StartNew();
                try
                {
                    ReadEverything(path);
                    loaded++;
                }
                catch (SafetensorsFormatException ex)
                {
                    rejected++;
                    rules.Add(ex.Rule);
                }
                catch (Exception ex)
                {
                    failures.Add($"case {cases} ({mutation}): {ex.GetType().Name}: {ex.Message}");
                }
                slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
            }
        }
        return new Outcome(cases, loaded, rejected, rules, failures, total.Elapsed, slowest);
    }

    private static void ReadEverything(string path)
    {
        using var file = SafetensorsFile.Open(path);
        foreach (var key in file.Keys)
        {
            var info = file.GetInfo(key);
            if (!info.Dtype.HasTorchEquivalent())
            {
                file.ReadBytes(key).Length.Should().Be((int)info.ByteLength);
                continue;
            }
            using var scope = torch.NewDisposeScope();
            var tensor = file.ReadTensor(key);
            tensor.shape.Should().Equal(info.Shape);
            if (tensor.dtype != torch.ScalarType.ComplexFloat32)
            {
                file.ReadTensor(key, torch.ScalarType.Float32).shape.Should().Equal(info.Shape);
            }
        }
    }

    private static List<byte[]> BaseFiles(TempFolder folder)
    {
        var withMetadataAndRawDtypes = HandMadeFile.Of(
            """{"format":"pt","note":"x"}""",
            new RawTensor("u16", "U16", "[2]", [1, 2, 3, 4]),
            new RawTensor("f8", "F8_E4M3", "[3]", [5, 6, 7]),
            new RawTensor("c64", "C64", "[1]", RawFile.Floats(1, -1)),
            new RawTensor("b", "BF16", "[1,2]", RawFile.UInt16s(0x3F80, 0x4000)));
        return
        [
            HandMadeFile.Of(KnownBytesTests.EveryDtype),
            withMetadataAndRawDtypes,
            File.ReadAllBytes(Fixtures.PathOf("wan/flowmatch_step.safetensors")),
            File.ReadAllBytes(Fixtures.PathOf("wan/umt5_encoder/io.safetensors")),
        ];
    }
}
