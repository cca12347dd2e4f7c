using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace SemanticGen.Models.DiT;

/// <summary>
/// Gradient checkpointing of one <see cref="WanTransformerBlock"/> (PyTorch's reentrant <c>torch.utils.checkpoint</c>,
/// which TorchSharp lacks, rebuilt on its custom autograd functions): the forward runs without recording, keeping
/// only the block's inputs; the backward recomputes the block with recording on, back-propagates the incoming
/// gradient through it (accumulating the block's parameter gradients) and returns the inputs' gradients.
/// The block has no randomness (no dropout), so the recomputation is exact.
/// </summary>
internal sealed class WanBlockCheckpoint : MultiTensorFunction<WanBlockCheckpoint>
{
    private const string BlockKey = "block";
    private const string NeedsGradKey = "needs_grad";

    public override string Name => nameof(WanBlockCheckpoint);

    /// <summary>The block's output (B, N, D), recorded as one graph node whose backward recomputes the block.</summary>
    public static Tensor Run(WanTransformerBlock block, Tensor tokens, Tensor text, Tensor modulation, Tensor cos, Tensor sin, IReadOnlyList<long>? windows = null,
        CrossAttentionSegments? crossSegments = null) =>
        windows is null && crossSegments is null
            ? apply(block, tokens, text, modulation, cos, sin)[0]
            : apply(new WindowedBlock(block, windows, crossSegments), tokens, text, modulation, cos, sin)[0];

    public override List<Tensor> forward(AutogradContext ctx, params object[] vars)
    {
        var block = vars[0];
        var inputs = vars.Skip(1).Cast<Tensor>().ToList();                 // tokens, text, modulation, cos, sin
        ctx.save_data(BlockKey, block);
        ctx.save_data(NeedsGradKey, inputs.Select(t => t.requires_grad).ToArray());
        ctx.save_for_backward(inputs);
        return [Forward(block, inputs)];
    }

    /// <summary>A block with the self-attention windows and cross-attention segments it runs with (not tensors: no gradient).</summary>
    private sealed record WindowedBlock(WanTransformerBlock Block, IReadOnlyList<long>? Windows, CrossAttentionSegments? CrossSegments);

    private static Tensor Forward(object block, List<Tensor> inputs) => block switch
    {
        WindowedBlock windowed => windowed.Block.forward(inputs[0], inputs[1], inputs[2], inputs[3], inputs[4], windowed.Windows, windowed.CrossSegments),
        _ => ((WanTransformerBlock)block).forward(inputs[0], inputs[1], inputs[2], inputs[3], inputs[4]),
    };

    public override List<Tensor> backward(AutogradContext ctx, List<Tensor> grad_outputs)
    {
        var block = ctx.get_data(BlockKey);
        var needsGrad = (bool[])ctx.get_data(NeedsGradKey);
        var saved = ctx.get_saved_variables();
        var inputs = saved.Select((t, i) => t.detach().requires_grad_(needsGrad[i])).ToList();
        using (enable_grad())
        {
            using var output = Forward(block, inputs);
            output.backward([grad_outputs[0]]);
        }
        // One gradient per forward argument: none for the block itself, then one per tensor (null where not needed).
        var grads = new List<Tensor> { null! };
        grads.AddRange(inputs.Select((t, i) => needsGrad[i] ? t.grad! : null!));
        return grads;
    }
}
