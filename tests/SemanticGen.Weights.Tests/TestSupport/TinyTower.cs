using TorchSharp;
using TorchSharp.Modules;

namespace SemanticGen.Weights.Tests.TestSupport;

/// <summary>
/// A stand-in vision tower: entries patch_embed.{weight,bias}, blocks.0.{weight,bias}, blocks.2.{weight,bias} and the
/// persistent buffer scale; the non-persistent buffer cache is not part of its state.
/// </summary>
internal sealed class TinyTower : torch.nn.Module<torch.Tensor, torch.Tensor>
{
    public static readonly IReadOnlyDictionary<string, long[]> Shapes = new Dictionary<string, long[]>
    {
        ["patch_embed.weight"] = [3, 4],
        ["patch_embed.bias"] = [3],
        ["blocks.0.weight"] = [3, 3],
        ["blocks.0.bias"] = [3],
        ["blocks.2.weight"] = [2, 3],
        ["blocks.2.bias"] = [2],
        ["scale"] = [2],
    };

    // Field names are the state names, as RegisterComponents derives them.
    private readonly Linear patch_embed;
    private readonly Sequential blocks;

    public TinyTower() : base(nameof(TinyTower))
    {
        patch_embed = torch.nn.Linear(4, 3);
        blocks = torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2));
        RegisterComponents();
        register_buffer("scale", torch.ones(2));
        register_buffer("cache", torch.zeros(2), persistent: false);
    }

    public override torch.Tensor forward(torch.Tensor input) => blocks.forward(patch_embed.forward(input));

    /// <summary>Every entry's current values as float32 arrays, by name.</summary>
    public Dictionary<string, float[]> Snapshot() =>
        state_dict().ToDictionary(e => e.Key, e => e.Value.to(torch.ScalarType.Float32).data<float>().ToArray());
}
