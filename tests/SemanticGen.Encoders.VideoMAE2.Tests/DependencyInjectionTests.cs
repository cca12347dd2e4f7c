using Microsoft.Extensions.DependencyInjection;
using SemanticGen.Abstractions.Encoders;

namespace SemanticGen.Encoders.VideoMAE2.Tests;

public sealed class DependencyInjectionTests
{
    [Fact]
    public void The_keyed_factory_resolves_and_creates_an_encoder_from_the_fixture()
    {
        var services = new ServiceCollection();
        services.AddVideoMAE2Encoder().Should().BeSameAs(services);
        using var provider = services.BuildServiceProvider();

        var factory = provider.GetRequiredKeyedService<ISemanticEncoderFactory>("videomae2");
        factory.Key.Should().Be("videomae2");
        using var encoder = factory.Create(new SemanticEncoderSettings("videomae2", Weights: Fixture.Weights));
        using var features = encoder.Encode(new VideoFrames(Fixture.Io("frames_uint8").unsqueeze(0), 1.6));
        using var recorded = Fixture.Io("last_hidden_state");
        Fixture.MaxAbs(features.Tokens, recorded).Should().BeLessThanOrEqualTo(1e-4);
        encoder.Info.Key.Should().Be("videomae2");
        provider.GetRequiredKeyedService<IEncoderParityCheck>("videomae2").Check(Fixture.Folder).Passed.Should().BeTrue();
        provider.GetServices<ISemanticEncoderFactory>().Single().Should().BeSameAs(factory);
    }

    [Fact]
    public void The_factory_is_listed_once_among_all_factories_even_when_added_twice()
    {
        var services = new ServiceCollection();
        services.AddVideoMAE2Encoder().AddVideoMAE2Encoder();
        using var provider = services.BuildServiceProvider();

        provider.GetServices<ISemanticEncoderFactory>().Select(f => f.Key).Should().Equal("videomae2");
        services.Count(d => d.ServiceType == typeof(ISemanticEncoderFactory)).Should().Be(2, "one keyed, one in the enumerable");
        services.Count(d => d.ServiceType == typeof(IEncoderParityCheck)).Should().Be(1);
    }
}
