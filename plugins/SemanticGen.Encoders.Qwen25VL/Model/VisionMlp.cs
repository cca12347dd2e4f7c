using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.Qwen25VL;

/// <summary>SwiGLU MLP with biases, <c>Qwen2_5_VLMLP(bias=True)</c>: down(silu(gate(x)) · up(x)).</summary>
internal sealed class VisionMlp : nn.Module<Tensor, Tensor>
{
    // Field names = checkpoint keys.
    private readonly Linear gate_proj;
    private readonly Linear up_proj;
    private readonly Linear down_proj;

    public VisionMlp(int width, int hidden, Device? device = null) : base(nameof(VisionMlp))
    {
        gate_proj = nn.Linear(width, hidden, hasBias: true, device: device);
        up_proj = nn.Linear(width, hidden, hasBias: true, device: device);
        down_proj = nn.Linear(hidden, width, hasBias: true, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var gate = nn.functional.silu(gate_proj.forward(x));   // (B, N, F)
        var hidden = gate.mul(up_proj.forward(x));              // (B, N, F)
        return down_proj.forward(hidden).MoveToOuterDisposeScope(); // (B, N, D)
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            gate_proj.Dispose();
            up_proj.Dispose();
            down_proj.Dispose();
        }
        base.Dispose(disposing);
    }
}
