using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SemanticGen.Data.ShapesWorld.Stories;

namespace SemanticGen.Planning.Tests;

public sealed class ShotPlannerRegistrationTests
{
    private static ServiceProvider Build(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(setting => new KeyValuePair<string, string?>(setting.Key, setting.Value)))
            .Build();
        return new ServiceCollection().AddShotPlanner(configuration).BuildServiceProvider();
    }

    [Fact]
    public async Task Without_a_Planner_section_the_offline_planner_is_registered()
    {
        using var services = Build();
        var outline = ShapesStoryGenerator.Generate(5, 4).Outline;

        var plan = await services.GetRequiredService<IShotPlanner>().PlanAsync(outline, TestContext.Current.CancellationToken);

        plan.Shots.Should().HaveCount(4);
    }

    [Fact]
    public void OpenAI_kind_is_bound_from_configuration()
    {
        using var services = Build(
            ("Planner:Kind", "openai"), ("Planner:Endpoint", "http://localhost:8080/v1"), ("Planner:Model", "llama-3.1-8b"),
            ("Planner:Timeout", "00:05:00"), ("Planner:MaxAttempts", "5"));

        var options = services.GetRequiredService<IOptions<ShotPlannerOptions>>().Value;
        var planner = services.GetRequiredService<IShotPlanner>();

        (options.Timeout, options.MaxAttempts).Should().Be((TimeSpan.FromMinutes(5), 5));
        planner.Should().BeOfType<KernelShotPlanner>().Which.Kernel.Plugins.Should().BeEmpty("the model path is a prompt function, not the offline plugin");
    }

    [Fact]
    public void OpenAI_kind_without_endpoint_and_model_fails_at_start_naming_the_keys()
    {
        using var services = Build(("Planner:Kind", "OpenAI"));

        var resolve = () => services.GetRequiredService<IShotPlanner>();

        resolve.Should().Throw<OptionsValidationException>().Which.Failures.Should()
            .Contain(failure => failure.StartsWith("Planner:Endpoint is missing"))
            .And.Contain(failure => failure.StartsWith("Planner:Model is missing"))
            .And.Contain(failure => failure.Contains("Planner:ApiKey") && failure.Contains("Planner:Timeout") && failure.Contains("Planner:MaxAttempts"));
    }

    [Theory]
    [InlineData("Planner:Kind", "Claude", "Planner:Kind 'Claude' is not one of Offline, OpenAI")]
    [InlineData("Planner:Timeout", "120", "Planner:Timeout 120.00:00:00 is longer than 1 hour")]
    [InlineData("Planner:MaxAttempts", "0", "Planner:MaxAttempts 0 must be 1 to 10")]
    [InlineData("Planner:ResponseFormat", "xml", "Planner:ResponseFormat 'xml' is not one of json_schema, json_object, none")]
    [InlineData("Planner:MaxShots", "0", "Planner:MaxShots 0 must be at least 1")]
    public void Bad_values_fail_with_the_key_named(string key, string value, string message)
    {
        using var services = Build((key, value));

        var resolve = () => services.GetRequiredService<IShotPlanner>();

        resolve.Should().Throw<OptionsValidationException>().Which.Failures.Should().Contain(failure => failure.StartsWith(message));
    }

    [Fact]
    public void An_endpoint_that_is_not_an_http_url_is_rejected()
    {
        using var services = Build(("Planner:Kind", "OpenAI"), ("Planner:Endpoint", "localhost:11434"), ("Planner:Model", "m"));

        var resolve = () => services.GetRequiredService<IShotPlanner>();

        resolve.Should().Throw<OptionsValidationException>().Which.Failures.Should()
            .Contain("Planner:Endpoint 'localhost:11434' is not an absolute http(s) URL");
    }
}
