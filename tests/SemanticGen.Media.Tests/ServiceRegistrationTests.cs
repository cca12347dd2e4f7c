using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SemanticGen.Abstractions.Media;

namespace SemanticGen.Media.Tests;

public sealed class ServiceRegistrationTests
{
    [Fact]
    public void Reader_and_writer_are_singletons_built_from_the_configured_options()
    {
        using var provider = new ServiceCollection()
            .AddSemanticGenMedia(o => o.Limits = o.Limits with { MaxPixelsPerFrame = 1234 })
            .BuildServiceProvider();

        provider.GetRequiredService<IVideoReader>().Should().BeOfType<FfmpegVideoReader>().And.BeSameAs(provider.GetRequiredService<IVideoReader>());
        provider.GetRequiredService<IVideoWriter>().Should().BeOfType<FfmpegVideoWriter>().And.BeSameAs(provider.GetRequiredService<IVideoWriter>());
        provider.GetRequiredService<IOptions<MediaOptions>>().Value.Limits.MaxPixelsPerFrame.Should().Be(1234);
    }

    [Fact]
    public void Invalid_options_fail_when_the_services_are_resolved()
    {
        using var provider = new ServiceCollection()
            .AddSemanticGenMedia(o => (o.DefaultCrf, o.BinaryFolder) = (99, "/no/such/folder"))
            .BuildServiceProvider();

        var resolve = () => provider.GetRequiredService<IVideoWriter>();

        resolve.Should().Throw<OptionsValidationException>()
            .Which.Failures.Should().BeEquivalentTo("DefaultCrf must be within 0–51, found 99", "BinaryFolder '/no/such/folder' does not exist");
    }

    [Fact]
    public void Limits_are_checked_when_set()
    {
        var limits = new MediaLimits();

        ((Action)(() => _ = limits with { MaxPixelsPerFrame = 0 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("MaxPixelsPerFrame");
        ((Action)(() => _ = limits with { DecodeTimeout = TimeSpan.Zero })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("DecodeTimeout");
        ((Action)(() => _ = new MediaLimits { MaxDuration = TimeSpan.FromSeconds(-1) })).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => _ = new FfmpegVideoReader(new MediaOptions { DefaultCrf = -1 }))).Should().Throw<ArgumentException>().WithMessage("*DefaultCrf*");
    }
}
