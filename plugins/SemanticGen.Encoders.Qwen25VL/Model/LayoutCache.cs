using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.Qwen25VL;

/// <summary>
/// The few most recent <see cref="VisionLayout"/>s by (grid, device): a pipeline encodes clips of one size over and
/// over, so indices, masks and RoPE tables are built once. Evicted layouts are disposed.
/// </summary>
internal sealed class LayoutCache(Qwen25VLVisionConfig config, int capacity = 8) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly LinkedList<(string Key, VisionLayout Layout)> _entries = new();

    public VisionLayout Get(int gridT, int gridH, int gridW, Device device)
    {
        var key = $"{gridT}x{gridH}x{gridW}@{device}";
        lock (_lock)
        {
            for (var node = _entries.First; node is not null; node = node.Next)
            {
                if (node.Value.Key == key)
                {
                    _entries.Remove(node);
                    _entries.AddFirst(node);
                    return node.Value.Layout;
                }
            }
            var layout = new VisionLayout(config, gridT, gridH, gridW, device);
            _entries.AddFirst((key, layout));
            if (_entries.Count > capacity)
            {
                _entries.Last!.Value.Layout.Dispose();
                _entries.RemoveLast();
            }
            return layout;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var (_, layout) in _entries)
            {
                layout.Dispose();
            }
            _entries.Clear();
        }
    }
}
