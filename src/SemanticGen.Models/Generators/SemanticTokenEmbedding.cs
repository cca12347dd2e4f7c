using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Models.Generators;

/// <summary>
/// Embeds z_sem tokens (B, Ns, SemanticDim) into the transformer width: <c>proj</c> (Linear SemanticDim → D) plus,
/// optionally, a learned <c>type</c> vector (1, 1, D) marking them as semantic. Keys: <c>semantic_embedding.proj.*</c>,
/// <c>semantic_embedding.type</c> — new parameters, absent from Wan2.1 checkpoints.
/// </summary>
public sealed class SemanticTokenEmbedding : nn.Module
{
    private readonly Scalar _one = 1.0.ToScalar();

    // Field names are the checkpoint keys.
    private readonly Linear proj;
    private readonly Parameter? type;

    public SemanticTokenEmbedding(int semanticDim, int innerDim, bool typeEmbedding, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : base(nameof(SemanticTokenEmbedding))
    {
        proj = nn.Linear(semanticDim, innerDim, hasBias: true, device: device);
        type = typeEmbedding ? new Parameter(empty(1, 1, innerDim, device: device)) : null;
        RegisterComponents();
        if (device?.type != DeviceType.META)
        {
            InitializeWeights();
        }
        if (dtype != ScalarType.Float32)
        {
            this.to(dtype);
        }
    }

    /// <summary>z_sem (B, Ns, SemanticDim) → tokens (B, Ns, D) in the embedding's dtype.</summary>
    public Tensor forward(Tensor zSem)
    {
        using var scope = NewDisposeScope();
        var tokens = proj.forward(zSem.to(proj.weight!.dtype));                               // (B, Ns, D)
        if (type is not null)
        {
            tokens = tokens.add(type.to(tokens.dtype), _one);                                 // (B, Ns, D)
        }
        return tokens.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Fresh initialisation (these parameters never come from Wan2.1): projection weight Xavier-uniform as Wan's
    /// linears, bias zero; type vector N(0, 0.02) as Wan's embedders.
    /// </summary>
    public void InitializeWeights()
    {
        using var noGrad = no_grad();
        nn.init.xavier_uniform_(proj.weight!);
        nn.init.zeros_(proj.bias!);
        if (type is not null)
        {
            nn.init.normal_(type, 0.0, 0.02);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _one.Dispose();
            proj.Dispose();
            type?.Dispose();
        }
        base.Dispose(disposing);
    }
}
