using System.Globalization;
using System.Runtime.InteropServices;
using TorchSharp;

namespace SemanticGen.Models.Runtime;

/// <summary>
/// Makes a device usable before the first TorchSharp call. Builds with TorchSharp's CPU bundle (libtorch_cpu.so beside
/// the app) use it as is for CPU. Otherwise (the GPU build of build/publish-gpu.sh, and always for CUDA) PyTorch's own
/// libtorch is pre-loaded from <see cref="TorchLibraries"/> in dependency order, then the app's unpatched
/// libLibTorchSharp.so, then <c>torch.InitializeDeviceType(CUDA)</c> (docs: platform.md, "CUDA machines with PyTorch
/// installed"). TorchSharp 0.107's loader (Torch.cs, LoadNativeBackend) then finds everything by name: it probes
/// <c>NativeLibrary.TryLoad("torch_cuda"/"LibTorchSharp", typeof(torch).Assembly)</c>, the dynamic loader matches the
/// already loaded sonames / the same app-folder file, and its NuGet-cache fallback (step 3) is never reached.
/// </summary>
public static class TorchRuntime
{
    private const string GlueLibrary = "libLibTorchSharp.so";
    private static readonly Lock Gate = new();
    private static string? preloaded;   // the torch lib folder the libraries came from
    private static bool cudaReady;

    /// <summary>Whether the app carries TorchSharp's own libtorch (the TorchSharp-cpu bundle of normal builds).</summary>
    public static bool HasBundledLibTorch => FindNative("libtorch_cpu.so") is not null;

    /// <summary>
    /// Where the runtime would load a native library of the app from: the folders of NATIVE_DLL_SEARCH_DIRECTORIES
    /// (the app folder, and runtimes/linux-x64/native/ in RID-less builds), then the app folder; null if absent.
    /// </summary>
    public static string? FindNative(string fileName)
    {
        var dirs = (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") as string ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Append(AppContext.BaseDirectory);
        return dirs.Select(dir => Path.Combine(dir, fileName)).FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Readies <paramref name="device"/> ("cpu", "cuda", "cuda:N") and returns it. <paramref name="torchLibDir"/>
    /// overrides <c>$SG_TORCH_LIB</c>. Call before any other TorchSharp use in the process.
    /// </summary>
    public static torch.Device Initialize(string device, string? torchLibDir = null)
    {
        var (type, index) = Parse(device);
        lock (Gate)
        {
            if (type == DeviceType.CUDA)
                ReadyCuda(torchLibDir);
            else if (preloaded is null && !HasBundledLibTorch)
                Preload(torchLibDir, TorchLibraries.Cpu, "--device cpu in a build without the libtorch bundle");
        }

        if (type == DeviceType.CUDA && index >= torch.cuda.device_count())
            throw new TorchRuntimeException($"--device {device}: this machine has {torch.cuda.device_count()} CUDA device(s)");
        return new torch.Device(device);
    }

    /// <summary>
    /// Device memory in use on the current CUDA device (cuMemGetInfo_v2: total − free; the CUDA context plus what
    /// PyTorch's caching allocator holds, every process included), or null where the driver library is absent.
    /// TorchSharp 0.107 exposes none of PyTorch's allocator statistics.
    /// </summary>
    public static long? CudaMemoryInUse()
    {
        try
        {
            return CuMemGetInfo(out var free, out var total) == 0 ? (long)(total - free) : null;
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [DllImport("libcuda.so.1", EntryPoint = "cuMemGetInfo_v2")]
    private static extern int CuMemGetInfo(out nuint free, out nuint total);

    internal static (DeviceType Type, int Index) Parse(string device)
    {
        if (device == "cpu")
            return (DeviceType.CPU, -1);
        if (device == "cuda")
            return (DeviceType.CUDA, 0);
        if (device.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(device.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            return (DeviceType.CUDA, index);
        throw new ArgumentException($"--device '{device}' is not cpu, cuda or cuda:N");
    }

    private static void ReadyCuda(string? torchLibDir)
    {
        if (cudaReady)
            return;
        var dir = Preload(torchLibDir, TorchLibraries.Cuda, "--device cuda");
        try
        {
            torch.InitializeDeviceType(DeviceType.CUDA);
        }
        catch (Exception error) when (error is InvalidOperationException or NotSupportedException or ExternalException)
        {
            throw new TorchRuntimeException(
                $"PyTorch's libtorch from {dir} loaded, but CUDA did not initialise (no GPU visible, or a driver older than " +
                $"that PyTorch's CUDA; check nvidia-smi): {FirstLine(error.Message)}", error);
        }

        if (!torch.cuda.is_available())
            throw new TorchRuntimeException($"PyTorch's libtorch from {dir} loaded, but torch.cuda.is_available() is false; check nvidia-smi and CUDA_VISIBLE_DEVICES");
        cudaReady = true;
    }

    /// <summary>Loads <paramref name="libraries"/> from the torch lib folder, then the app's libLibTorchSharp.so; once per process.</summary>
    private static string Preload(string? torchLibDir, IReadOnlyList<string> libraries, string purpose)
    {
        var dir = TorchLibraries.ResolveDirectory(torchLibDir, Environment.GetEnvironmentVariable(TorchLibraries.Variable), TorchLibraries.AskPython);
        TorchLibraries.RequireFiles(dir, libraries, purpose);
        if (preloaded is not null && preloaded != dir)
            throw new TorchRuntimeException($"libtorch was already loaded from {preloaded}; cannot also load it from {dir}");
        if (FindNative("libtorch_cpu.so") is { } bundled)
            throw new TorchRuntimeException(
                $"{purpose}: this build carries TorchSharp's CPU libtorch ({bundled}), which would load beside PyTorch's; " +
                $"publish the build without it (build/publish-gpu.sh) and run that, with {TorchLibraries.Variable} or python3's torch");
        var glue = FindNative(GlueLibrary) ?? throw new TorchRuntimeException(
            $"{Path.Combine(AppContext.BaseDirectory, GlueLibrary)} is missing: the app lacks TorchSharp's native glue; publish again with build/publish-gpu.sh");

        foreach (var path in libraries.Select(name => Path.Combine(dir, name)).Append(glue))
        {
            try
            {
                NativeLibrary.Load(path);
            }
            catch (Exception error) when (error is DllNotFoundException or BadImageFormatException)
            {
                throw new TorchRuntimeException($"could not load {path} ({purpose}): {error.Message}", error);
            }
        }

        preloaded = dir;
        return dir;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
