using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;

namespace SemanticGen.Planning.Tests;

/// <summary>The chat-model path against <see cref="RecordedOpenAiHandlerStub"/> (a stub server, no network, no model).</summary>
public sealed class OpenAiPlannerTests
{
    private const string Endpoint = "http://planner.test:11434/v1";
    private const string Outline = "A red fox crosses a snowy forest to a frozen river and drinks.";

    private static ShotPlannerOptions Options(int maxAttempts = 3, double timeoutSeconds = 120) => new()
    {
        Kind = ShotPlannerKinds.OpenAI,
        Endpoint = Endpoint,
        Model = "qwen2.5:7b-instruct",
        MaxAttempts = maxAttempts,
        Timeout = TimeSpan.FromSeconds(timeoutSeconds),
    };

    private static string ReplyContent(string file) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "SemanticGen.Planning.Tests", "Recorded", file)))!
            ["choices"]![0]!["message"]!["content"]!.GetValue<string>();

    private static JsonArray Messages(string requestBody) => JsonNode.Parse(requestBody)!["messages"]!.AsArray();

    [Fact]
    public async Task Stub_good_reply_is_parsed_into_the_plan()
    {
        var stub = new RecordedOpenAiHandlerStub().Reply("good-plan.json");
        var planner = ShotPlanners.CreateOpenAi(Options(), stub);

        var plan = await planner.PlanAsync(Outline, TestContext.Current.CancellationToken);

        plan.Should().Be(ShotPlanJson.Parse(ReplyContent("good-plan.json")));
        plan.Shots.Select(shot => shot.DurationSeconds).Should().Equal(2.0, 2.5, 3.0);
        plan.Shots[1].Continuity.Should().Be(new ShotContinuity("red fox", "snowy forest", "starts where shot 1 ended"));
        stub.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task Stub_request_asks_the_configured_model_for_strict_json_schema_output_with_the_outline()
    {
        var stub = new RecordedOpenAiHandlerStub().Reply("good-plan.json");
        var planner = ShotPlanners.CreateOpenAi(Options(), stub);

        await planner.PlanAsync(Outline, TestContext.Current.CancellationToken);

        var (url, body) = stub.Requests.Single();
        url.Should().Be(new Uri(Endpoint + "/chat/completions"));
        var request = JsonNode.Parse(body)!;
        request["model"]!.GetValue<string>().Should().Be("qwen2.5:7b-instruct");
        request["temperature"]!.GetValue<double>().Should().Be(0);
        var format = request["response_format"]!;
        format["type"]!.GetValue<string>().Should().Be("json_schema");
        format["json_schema"]!["name"]!.GetValue<string>().Should().Be("shot_plan");
        format["json_schema"]!["strict"]!.GetValue<bool>().Should().BeTrue();
        JsonNode.DeepEquals(format["json_schema"]!["schema"], JsonNode.Parse(ShotPlanJson.Schema)).Should().BeTrue();
        var messages = Messages(body);
        messages.Select(message => message!["role"]!.GetValue<string>()).Should().Equal("system", "user");
        var system = messages[0]!["content"]!.GetValue<string>();
        system.Should().Contain("at most 64 shots").And.Contain("\"durationSeconds\": { \"type\": \"number\"");
        messages[1]!["content"]!.GetValue<string>().Should().Be("Story outline:\n" + Outline);
    }

    [Fact]
    public async Task Stub_malformed_json_is_retried_with_the_error_then_the_good_reply_wins()
    {
        var stub = new RecordedOpenAiHandlerStub().Reply("malformed-json.json").Reply("good-plan.json");
        var planner = ShotPlanners.CreateOpenAi(Options(), stub);
        var parseError = ((Action)(() => ShotPlanJson.Parse(ReplyContent("malformed-json.json"))))
            .Should().Throw<InvalidShotPlanException>().Which.Message;

        var plan = await planner.PlanAsync(Outline, TestContext.Current.CancellationToken);

        plan.Shots.Should().HaveCount(3);
        stub.Requests.Should().HaveCount(2);
        Messages(stub.Requests[0].Body)[1]!["content"]!.GetValue<string>().Should().NotContain("rejected");
        var retry = Messages(stub.Requests[1].Body)[1]!["content"]!.GetValue<string>();
        retry.Should().StartWith("Story outline:\n" + Outline)
            .And.Contain("Your previous reply was rejected.")
            .And.Contain(ReplyContent("malformed-json.json"))
            .And.Contain("Error: " + parseError);
    }

    [Fact]
    public async Task Stub_off_schema_replies_exhaust_the_attempts_and_fail_with_the_last_error()
    {
        var stub = new RecordedOpenAiHandlerStub().Reply("off-schema.json").Reply("off-schema.json");
        var planner = ShotPlanners.CreateOpenAi(Options(maxAttempts: 2), stub);

        var plan = () => planner.PlanAsync(Outline, TestContext.Current.CancellationToken);

        var failure = (await plan.Should().ThrowAsync<ShotPlanningException>()).Which;
        failure.Attempts.Should().Be(2);
        failure.LastError.Should().Contain("$.shots[0].duration");
        failure.Message.Should().StartWith($"chat model 'qwen2.5:7b-instruct' at {Endpoint}")
            .And.Contain("no valid shot plan in 2 attempt(s)")
            .And.Contain("last error: " + failure.LastError);
        stub.Requests.Should().HaveCount(2);
        Messages(stub.Requests[1].Body)[1]!["content"]!.GetValue<string>().Should().Contain("duration");
    }

    [Fact]
    public async Task Stub_that_never_answers_times_out_naming_the_endpoint()
    {
        var stub = new RecordedOpenAiHandlerStub().Hang();
        var planner = ShotPlanners.CreateOpenAi(Options(timeoutSeconds: 0.3), stub);
        var clock = Stopwatch.StartNew();

        var plan = () => planner.PlanAsync(Outline, TestContext.Current.CancellationToken);

        var failure = (await plan.Should().ThrowAsync<ShotPlannerTimeoutException>()).Which;
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20));
        failure.Endpoint.Should().Be(new Uri(Endpoint));
        failure.Message.Should().Contain(Endpoint).And.Contain("within 0.3 s").And.Contain("Planner:Timeout");
        stub.Requests.Should().ContainSingle("a timeout is not retried");
    }

    [Fact]
    public async Task Stub_caller_cancellation_is_a_cancellation_not_a_timeout()
    {
        var stub = new RecordedOpenAiHandlerStub().Hang();
        var planner = ShotPlanners.CreateOpenAi(Options(), stub);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(200));

        var plan = () => planner.PlanAsync(Outline, cancel.Token);

        (await plan.Should().ThrowAsync<OperationCanceledException>()).Which.Should().NotBeOfType<ShotPlannerTimeoutException>();
    }

    [Fact]
    public async Task Stub_http_error_fails_at_once_with_the_status_and_endpoint()
    {
        const string error = """{"error":{"message":"model \"qwen2.5:7b-instruct\" not found, try pulling it first","type":"api_error"}}""";
        var stub = new RecordedOpenAiHandlerStub().Status(HttpStatusCode.NotFound, error);
        var planner = ShotPlanners.CreateOpenAi(Options(), stub);

        var plan = () => planner.PlanAsync(Outline, TestContext.Current.CancellationToken);

        var failure = (await plan.Should().ThrowAsync<ShotPlanningException>()).Which;
        failure.Message.Should().StartWith($"chat model 'qwen2.5:7b-instruct' at {Endpoint}").And.Contain("HTTP 404");
        stub.Requests.Should().ContainSingle("an HTTP error is not a bad reply to retry");
    }

    [Fact]
    public async Task Stub_json_object_format_is_requested_when_configured()
    {
        var stub = new RecordedOpenAiHandlerStub().Reply("good-plan.json");
        var options = Options();
        options.ResponseFormat = ShotPlannerResponseFormats.JsonObject;

        await ShotPlanners.CreateOpenAi(options, stub).PlanAsync(Outline, TestContext.Current.CancellationToken);

        JsonNode.Parse(stub.Requests.Single().Body)!["response_format"]!["type"]!.GetValue<string>().Should().Be("json_object");
    }
}
