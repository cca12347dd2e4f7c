using TorchSharp;

namespace SemanticGen.Weights;

/// <summary>
/// A checkpoint split over several .safetensors shards by a <c>*.safetensors.index.json</c>. Opening reads only the
/// index and checks that every shard it names exists; a shard is opened (its header read) the first time one of its
/// tensors is asked for, and only requested tensors' bytes are read.
/// </summary>
public sealed class ShardedCheckpoint : ITensorSource
{
    private readonly Dictionary<string, string> _shardOfKey;
    private readonly Dictionary<string, SafetensorsFile> _opened = new(StringComparer.Ordinal);
    private readonly Lock _openLock = new();
    private bool _disposed;

    private ShardedCheckpoint(string indexPath, ShardIndex index, Dictionary<string, string> shardOfKey)
    {
        Path = indexPath;
        Keys = index.WeightMap.Select(e => e.Key).ToArray();
        Metadata = index.Metadata;
        _shardOfKey = shardOfKey;
        ShardFiles = shardOfKey.Values.Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The full path of the index file.</summary>
    public string Path { get; }

    /// <summary>Tensor names in index order.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>The index's <c>metadata</c>, values as text (numbers such as <c>total_size</c> in their JSON form).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Full paths of the shards the index names, in order of first appearance.</summary>
    public IReadOnlyList<string> ShardFiles { get; }

    /// <summary>Full paths of the shards opened so far.</summary>
    public IReadOnlyList<string> OpenedShards
    {
        get
        {
            lock (_openLock)
            {
                return [.. _opened.Keys];
            }
        }
    }

    /// <summary>Bytes read from all shards so far (headers included); the index itself is not counted.</summary>
    public long BytesRead
    {
        get
        {
            lock (_openLock)
            {
                return _opened.Values.Sum(s => s.BytesRead);
            }
        }
    }

    /// <summary>Opens an index, resolving shard names against the index's folder.</summary>
    /// <exception cref="SafetensorsFormatException">The index is malformed, or names a missing shard or one outside its folder.</exception>
    public static ShardedCheckpoint Open(string indexPath)
    {
        var fullIndexPath = System.IO.Path.GetFullPath(indexPath);
        var index = ShardIndex.Read(fullIndexPath);
        var folder = System.IO.Path.GetDirectoryName(fullIndexPath)!;
        var folderPrefix = System.IO.Path.EndsInDirectorySeparator(folder) ? folder : folder + System.IO.Path.DirectorySeparatorChar;

        var shardOfKey = new Dictionary<string, string>(StringComparer.Ordinal);
        var checkedShards = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, shardName) in index.WeightMap)
        {
            var shardPath = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, shardName));
            if (System.IO.Path.IsPathRooted(shardName) || !shardPath.StartsWith(folderPrefix, StringComparison.Ordinal))
            {
                throw new SafetensorsFormatException(fullIndexPath, key, FormatRules.IndexShardPathOutsideFolder,
                    $"shard '{shardName}' is not inside the index's folder {folder}.");
            }
            if (checkedShards.Add(shardPath) && !File.Exists(shardPath))
            {
                throw new SafetensorsFormatException(fullIndexPath, key, FormatRules.IndexShardMissing,
                    $"the index maps this tensor to shard {shardPath}, which does not exist.");
            }
            shardOfKey.Add(key, shardPath);
        }
        return new ShardedCheckpoint(fullIndexPath, index, shardOfKey);
    }

    /// <summary>The full path of the shard the index assigns <paramref name="key"/> to.</summary>
    /// <exception cref="KeyNotFoundException">The index does not map that key.</exception>
    public string ShardOf(string key) =>
        _shardOfKey.TryGetValue(key, out var shard)
            ? shard
            : throw new KeyNotFoundException($"{Path}: the index maps no tensor named '{key}'.");

    /// <inheritdoc />
    public bool Contains(string key) => _shardOfKey.ContainsKey(key);

    /// <inheritdoc />
    public TensorInfo GetInfo(string key) => OpenShard(ShardOf(key)).GetInfo(key);

    /// <inheritdoc />
    public torch.Tensor ReadTensor(string key, torch.ScalarType? dtype = null) => OpenShard(ShardOf(key)).ReadTensor(key, dtype);

    /// <summary>Closes every opened shard.</summary>
    public void Dispose()
    {
        lock (_openLock)
        {
            _disposed = true;
            foreach (var shard in _opened.Values)
            {
                shard.Dispose();
            }
            _opened.Clear();
        }
    }

    private SafetensorsFile OpenShard(string shardPath)
    {
        lock (_openLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_opened.TryGetValue(shardPath, out var open))
            {
                return open;
            }
            var shard = SafetensorsFile.Open(shardPath);
            // Checked once per shard so later look-ups can trust the index.
            var absent = _shardOfKey.FirstOrDefault(e => e.Value == shardPath && !shard.Contains(e.Key)).Key;
            if (absent is not null)
            {
                shard.Dispose();
                throw new SafetensorsFormatException(shardPath, absent, FormatRules.IndexKeyNotInShard,
                    $"the index {Path} maps this tensor to this shard, which does not contain it.");
            }
            _opened.Add(shardPath, shard);
            return shard;
        }
    }
}
