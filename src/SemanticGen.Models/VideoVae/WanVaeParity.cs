using SemanticGen.Abstractions.Encoders;
using SemanticGen.Weights;
using static TorchSharp.torch;

namespace SemanticGen.Models.VideoVae;

/// <summary>
/// Parity against a recorded diffusers <c>AutoencoderKLWan</c> pass (a folder like <c>tests/fixtures/wan/wan_vae</c>:
/// <c>config.json</c>, <c>model.safetensors</c>, and <c>io.safetensors</c> with <c>video</c>, <c>latent_mean</c>,
/// <c>latent_logvar</c> and <c>decoded_from_mean</c>).
/// </summary>
public static class WanVaeParity
{
    public const string Component = "wan-vae";
    public const string LatentMean = "video -> latent_mean";
    public const string LatentLogVar = "video -> latent_logvar";
    public const string Decoded = "latent_mean -> decoded_from_mean";

    /// <summary>The agreed bound on every output's max absolute error (the reference's outputs are O(1)).</summary>
    public const double Tolerance = 1e-4;

    /// <summary>Max absolute errors of our chunked encode and decode, by the names above (in that order).</summary>
    public static ParityReport Check(string fixtureDir, string device = "cpu")
    {
        var target = new Device(device);
        using var model = WanVaeWeights.Load(fixtureDir, target);
        using var io = TensorSource.Open(Path.Combine(fixtureDir, "io.safetensors"));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var video = io.ReadTensor("video", ScalarType.Float32).to(target);             // (1, 3, F, H, W)
        var recordedMean = io.ReadTensor("latent_mean", ScalarType.Float32);            // (1, z, T, h, w)
        var recordedLogVar = io.ReadTensor("latent_logvar", ScalarType.Float32);
        var recordedDecoded = io.ReadTensor("decoded_from_mean", ScalarType.Float32);   // (1, 3, F, H, W)

        using var posterior = model.Encode(video);
        var decoded = model.Decode(recordedMean.to(target));
        return new ParityReport(Component, fixtureDir,
        [
            new ParityMeasure(LatentMean, ParityMeasure.MaxAbsDifference(posterior.Mean, recordedMean), Tolerance),
            new ParityMeasure(LatentLogVar, ParityMeasure.MaxAbsDifference(posterior.LogVar, recordedLogVar), Tolerance),
            new ParityMeasure(Decoded, ParityMeasure.MaxAbsDifference(decoded, recordedDecoded), Tolerance),
        ]);
    }
}
