using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace SemanticGen.Models.DiT;

/// <summary>
/// Gradient checkpointing of one <see cref="WanTransformerBlock"/> (PyTorch's reentrant <c>torch.utils.checkpoint</c>,
/// which TorchSharp lacks, rebuilt on its custom autograd functions): the forward runs without recording, keeping
/// only the block's inputs; the backward recomputes the block with recording on, back-propagates the incoming
/// gradient through it (accumulating the block's parameter gradients) and returns the inputs' gradients.
/// The block has no randomness (no dropout), so the recomputation is exact.
/// <para>
/// Tensor lifetimes in the backward: on CUDA, libtorch's autograd engine calls it on its own device thread, where no
/// caller's dispose scope is open, and TorchSharp disposes neither the incoming gradients' wrappers nor the returned
/// ones. Left to the finalizer, each block's tokens-sized tensors (saved inputs, incoming and outgoing gradients)
/// piled up from step to step: the Wan 1.3B bench on an H200 (81×480×832, bf16) held 56,289 MiB after six
/// checkpointed steps where PyTorch's checkpointing has 15,015 MiB in use; after this fix 24,733 MiB, flat from 6 to
/// 11 steps (fourteenth session, docs/torchsharp-notes.md). So the backward disposes everything it makes and the
/// incoming gradients; the gradients it returns are released at the start of the next backward on the same thread, by
/// when the engine holds its own reference (TorchSharp's node copies them as it returns).
/// </para>
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

    /// <summary>The gradients this thread's last backward returned; the engine has its own references by the next call.</summary>
    [ThreadStatic]
    private static List<Tensor>? returnedOnThisThread;

    public override List<Tensor> backward(AutogradContext ctx, List<Tensor> grad_outputs)
    {
        ReleaseReturnedGradients();
        var block = ctx.get_data(BlockKey);
        var needsGrad = (bool[])ctx.get_data(NeedsGradKey);
        List<Tensor?> inputGrads;
        using (var scope = NewDisposeScope())
        {
            var saved = ctx.get_saved_variables();
            var inputs = saved.Select((t, i) => t.detach().requires_grad_(needsGrad[i])).ToList();
            using (enable_grad())
            {
                using var output = Forward(block, inputs);
                output.backward([grad_outputs[0]]);
            }
            inputGrads = inputs.Select((t, i) => needsGrad[i] ? t.grad?.DetachFromDisposeScope() : null).ToList();
        }
        foreach (var incoming in grad_outputs)
            incoming?.Dispose();   // TorchSharp's wrappers of the incoming gradients: used up, and nobody else disposes them
        returnedOnThisThread = inputGrads.OfType<Tensor>().ToList();
        // One gradient per forward argument: none for the block itself, then one per tensor (null where not needed).
        var grads = new List<Tensor> { null! };
        grads.AddRange(inputGrads.Select(g => g!));
        return grads;
    }

    /// <summary>Disposes this thread's previously returned gradients (the engine copied them when that backward returned).</summary>
    private static void ReleaseReturnedGradients()
    {
        if (returnedOnThisThread is null)
            return;
        foreach (var gradient in returnedOnThisThread)
            gradient.Dispose();
        returnedOnThisThread = null;
    }
}
