using SemanticGen.Abstractions.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VideoMAE2.Tests;

/// <summary>Masked autoencoding: tube masks, targets, the no-peeking property, reference key names, and learning.</summary>
public sealed class PretrainingTests(ITestOutputHelper output)
{
    private static readonly VideoMAEConfig Tiny = new()
    {
        HiddenSize = 32, NumHiddenLayers = 2, NumAttentionHeads = 2, IntermediateSize = 64, PatchSize = 8, ImageSize = 32, NumFrames = 4,
        DecoderHiddenSize = 32, DecoderNumHiddenLayers = 1, DecoderNumAttentionHeads = 2, DecoderIntermediateSize = 64, UseMeanPooling = false,
    };

    [Fact]
    public void Tube_masks_hide_the_same_positions_in_every_slot_and_are_seeded()
    {
        var grid = new SemanticGrid(3, 4, 5);
        using var mask = TubeMasking.Create(grid, batch: 2, ratio: 0.9, seed: 1);
        using var again = TubeMasking.Create(grid, batch: 2, ratio: 0.9, seed: 1);
        using var other = TubeMasking.Create(grid, batch: 2, ratio: 0.9, seed: 2);

        mask.Masked.shape.Should().Equal(2, 3 * 18);    // ⌊0.9 · 20⌋ = 18 per slot
        mask.Visible.shape.Should().Equal(2, 3 * 2);
        for (var b = 0; b < 2; b++)
        {
            var masked = mask.Masked[b].data<long>().ToArray();
            var visible = mask.Visible[b].data<long>().ToArray();
            masked.Concat(visible).Order().Should().Equal(Enumerable.Range(0, grid.Count).Select(i => (long)i));
            masked.Should().BeInAscendingOrder();
            var perSlot = Enumerable.Range(0, 3).Select(t => masked.Where(i => i / 20 == t).Select(i => i % 20).ToArray()).ToList();
            perSlot[1].Should().Equal(perSlot[0]);
            perSlot[2].Should().Equal(perSlot[0]);
        }
        again.Masked.equal(mask.Masked).all().item<bool>().Should().BeTrue();
        other.Masked.equal(mask.Masked).all().item<bool>().Should().BeFalse();
        mask.Masked[0].equal(mask.Masked[1]).all().item<bool>().Should().BeFalse("each clip gets its own shuffle");
        using var boolMask = mask.ToBoolMask(grid.Count);
        boolMask.sum().item<long>().Should().Be(2 * 54);
    }

    [Fact]
    public void Targets_are_tubelet_patches_ordered_tubelet_row_column_channel_and_normalised_per_patch()
    {
        using var pixels = randn([1, 4, 3, 16, 24], generator: new Generator(9));
        var raw = Tiny with { NormPixLoss = false };
        using var patches = MaskedAutoencodingLoss.Patchify(pixels, raw);          // (1, 2·2·3, 2·8·8·3)
        patches.shape.Should().Equal(1, 12, 384);
        var values = pixels.data<float>().ToArray();
        var flat = patches.data<float>().ToArray();
        var random = new Random(0);
        for (var probe = 0; probe < 200; probe++)
        {
            int t = random.Next(2), h = random.Next(2), w = random.Next(3), tau = random.Next(2), i = random.Next(8), j = random.Next(8), c = random.Next(3);
            var pixel = values[((((2 * t + tau) * 3 + c) * 16) + 8 * h + i) * 24 + 8 * w + j];
            var expected = pixel * VideoMAEPreprocessor.Std[c] + VideoMAEPreprocessor.Mean[c];
            var token = (t * 2 + h) * 3 + w;
            flat[token * 384 + ((tau * 8 + i) * 8 + j) * 3 + c].Should().BeApproximately((float)expected, 1e-5f);
        }

        using var normalised = MaskedAutoencodingLoss.Patchify(pixels, Tiny).view(1, 12, 128, 3);
        using var means = normalised.mean([2]);
        using var stds = normalised.std(2, unbiased: true);
        means.abs().max().item<float>().Should().BeLessThan(1e-5f);
        (stds - 1).abs().max().item<float>().Should().BeLessThan(1e-4f);
    }

    [Fact]
    public void Predictions_cannot_see_the_masked_pixels()
    {
        // TorchSharp's default (Kaiming-uniform) weights: larger than the reference init, so influence is easy to see.
        using var model = new VideoMAEPretraining(Tiny);
        using var pixels = randn([2, 4, 3, 32, 32], generator: new Generator(1));
        var grid = new SemanticGrid(2, 4, 4);
        using var mask = TubeMasking.Create(grid, 2, 0.75, seed: 5);
        using var noise = randn([2, 4, 3, 32, 32], generator: new Generator(2));
        // Replace the pixels of masked tubes only: (B, N) mask → (B, T, 1, H, W) pixel mask.
        using var tokenMask = mask.ToBoolMask(grid.Count).view(2, 2, 1, 4, 1, 4, 1).expand(2, 2, 2, 4, 8, 4, 8).reshape(2, 4, 1, 32, 32);
        using var changed = where(tokenMask, noise, pixels);
        using var visibleChanged = where(tokenMask, pixels, noise);

        using var noGrad = no_grad();
        using var a = model.forward(pixels, mask);
        using var b = model.forward(changed, mask);
        using var c = model.forward(visibleChanged, mask);
        a.shape.Should().Equal(2, 24, 2 * 8 * 8 * 3);
        Fixture.MaxAbs(a, b).Should().Be(0, "masked tubes must not reach the encoder");
        Fixture.MaxAbs(a, c).Should().BeGreaterThan(1e-3, "visible tubes drive the predictions");
    }

    [Fact]
    public void Parameter_names_are_those_of_the_reference_pretraining_model()
    {
        using var model = new VideoMAEPretraining(VideoMAEPresets.Base, device("meta"));
        var names = model.named_parameters().Select(p => p.name).ToHashSet();
        names.Should().Contain(["videomae.embeddings.patch_embeddings.projection.weight", "videomae.layernorm.weight", "encoder_to_decoder.weight",
            "mask_token", "decoder.decoder_layers.3.attention.attention.query.weight", "decoder.decoder_layers.0.layernorm_after.bias",
            "decoder.norm.weight", "decoder.head.weight", "decoder.head.bias"]);
        names.Should().NotContain(n => n.StartsWith("decoder.decoder_layers.4.", StringComparison.Ordinal));
        names.Should().HaveCount(2 + 12 * 16 + 2 + 1 + 1 + 4 * 16 + 2 + 2);
        model.named_parameters().Single(p => p.name == "decoder.head.weight").parameter.shape.Should().Equal(1536, 384);
    }

    [Fact]
    public void A_few_dozen_AdamW_steps_on_moving_squares_reduce_the_loss_substantially()
    {
        manual_seed(0);
        using var model = new VideoMAEPretraining(Tiny);
        model.InitializeWeights();
        model.train();
        using var pixels = MovingSquares();
        using var mask = TubeMasking.Create(new SemanticGrid(2, 4, 4), (int)pixels.shape[0], 0.5, seed: 3);
        using var targets = MaskedAutoencodingLoss.Targets(pixels, Tiny, mask);
        using var optimizer = optim.AdamW(model.parameters(), lr: 1e-2, weight_decay: 0.05);

        var losses = new List<float>();
        for (var step = 0; step < 60; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = MaskedAutoencodingLoss.Compute(model.forward(pixels, mask), targets);
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
        }
        output.WriteLine($"loss {losses[0]:F4} → {losses[^1]:F4} ({string.Join(", ", losses.Where((_, i) => i % 10 == 0).Select(l => l.ToString("F3")))})");
        losses.Should().OnlyContain(l => float.IsFinite(l));
        losses[^1].Should().BeLessThan(0.5f * losses[0]);
    }

    /// <summary>Four 4-frame 32×32 clips: a coloured 10-px square moving across a grey background, preprocessed like real input.</summary>
    private static Tensor MovingSquares()
    {
        var frames = new byte[4 * 4 * 32 * 32 * 3];
        Array.Fill(frames, (byte)96);
        byte[][] colours = [[230, 40, 40], [40, 200, 60], [50, 80, 240], [240, 220, 30]];
        for (var clip = 0; clip < 4; clip++)
        {
            for (var t = 0; t < 4; t++)
            {
                int x0 = (3 + 5 * t + 7 * clip) % 22, y0 = (4 + 3 * t * (clip % 2 == 0 ? 1 : -1) + 22) % 22;
                for (var y = y0; y < y0 + 10; y++)
                {
                    for (var x = x0; x < x0 + 10; x++)
                    {
                        for (var c = 0; c < 3; c++)
                        {
                            frames[((((clip * 4 + t) * 32) + y) * 32 + x) * 3 + c] = colours[clip][c];
                        }
                    }
                }
            }
        }
        using var video = tensor(frames, [4, 4, 32, 32, 3]);
        using var input = new VideoMAEPreprocessor(Tiny, CPU, ScalarType.Float32).Preprocess(new VideoFrames(video, 1.6));
        return input.Pixels.clone();
    }
}
