using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VideoMAE2;

/// <summary>Hugging Face's VideoMAE initialisation (<c>_init_weights</c>), shared by the encoder and the pre-training model.</summary>
internal static class WeightInit
{
    public static void Apply(nn.Module root, double std)
    {
        using var noGrad = no_grad();
        using var one = 1.0.ToScalar();
        foreach (var (_, module) in root.named_modules())
        {
            switch (module)
            {
                case Linear linear:
                    // Projections: small normal weights, zero biases.
                    nn.init.normal_(linear.weight!, 0.0, std);
                    linear.bias?.zero_();
                    break;
                case Conv3d conv:
                    // The tubelet embedding is a linear map on flattened patches: same rule.
                    nn.init.normal_(conv.weight!, 0.0, std);
                    conv.bias?.zero_();
                    break;
                case LayerNorm norm:
                    // Norms start as the identity.
                    norm.weight?.fill_(one);
                    norm.bias?.zero_();
                    break;
            }
        }
    }
}
