using System.Text.Json;
using System.Text.Json.Nodes;

namespace SemanticGen.Planning.Tests;

public sealed class ShotPlanJsonTests
{
    private static readonly ShotPlan Plan = new(
    [
        new Shot("a red circle moves right on a gray background", 49 / 24.0, new ShotContinuity("red circle", "gray", "first shot")),
        new Shot("a red circle stays still on a gray background", 49 / 24.0, new ShotContinuity("red circle", "gray", null)),
    ]);

    [Fact]
    public void Serialize_then_parse_round_trips_exactly()
    {
        var json = ShotPlanJson.Serialize(Plan);

        ShotPlanJson.Parse(json).Should().Be(Plan);
        json.Should().Contain("\"durationSeconds\": 2.0416666666666665").And.Contain("\"notes\": null");
        json.Should().NotContain("totalDurationSeconds");
    }

    [Fact]
    public void Serialized_plan_uses_exactly_the_schema_property_names_at_every_level()
    {
        var schema = JsonNode.Parse(ShotPlanJson.Schema)!;
        var plan = JsonNode.Parse(ShotPlanJson.Serialize(Plan))!;

        Names(plan).Should().BeEquivalentTo(Required(schema));
        var shotSchema = schema["properties"]!["shots"]!["items"]!;
        Names(plan["shots"]![0]!).Should().BeEquivalentTo(Required(shotSchema));
        Names(plan["shots"]![0]!["continuity"]!).Should().BeEquivalentTo(Required(shotSchema["properties"]!["continuity"]!));
        Names(schema["properties"]!).Should().BeEquivalentTo(Required(schema));
        schema["additionalProperties"]!.GetValue<bool>().Should().BeFalse();
        shotSchema["additionalProperties"]!.GetValue<bool>().Should().BeFalse();

        static IEnumerable<string> Names(JsonNode node) => node.AsObject().Select(pair => pair.Key);
        static IEnumerable<string> Required(JsonNode node) => node["required"]!.AsArray().Select(item => item!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"shots":[{"prompt":"p","durationSeconds":2,"continuity":{"subject":null,"background":null,"notes":null},"extra":1}]}""", "$.shots[0].extra")]
    [InlineData("""{"shots":[{"prompt":"p","continuity":{"subject":null,"background":null,"notes":null}}]}""", "durationSeconds")]
    [InlineData("""{"shots":[{"prompt":null,"durationSeconds":2,"continuity":{"subject":null,"background":null,"notes":null}}]}""", "prompt")]
    [InlineData("""{"shots":[{"prompt":"p","durationSeconds":"2","continuity":{"subject":null,"background":null,"notes":null}}]}""", "$.shots[0].durationSeconds")]
    [InlineData("""{"shots":[{"prompt":"p","durationSeconds":2,"continuity":{"subject":null,"background":null}}]}""", "notes")]
    [InlineData("""{"shots":[]} trailing""", "JSON")]
    [InlineData("""```json {"shots":[]}```""", "JSON")]
    [InlineData("""null""", "'null'")]
    public void Parse_rejects_anything_off_the_schema_naming_where(string json, string named)
    {
        var parse = () => ShotPlanJson.Parse(json);

        parse.Should().Throw<InvalidShotPlanException>().Which.Message.Should().Contain(named);
    }

    [Fact]
    public void ParseValid_reports_limit_violations_after_a_clean_parse()
    {
        var json = ShotPlanJson.Serialize(new ShotPlan([new Shot(" ", 0, ShotContinuity.None)]));

        var parse = () => ShotPlanJson.ParseValid(json);

        parse.Should().Throw<InvalidShotPlanException>().Which.Errors.Should().Equal(
            "shots[0].prompt is empty", "shots[0].durationSeconds is 0; it must be > 0");
    }

    [Fact]
    public void Schema_is_valid_json()
    {
        var parse = () => JsonDocument.Parse(ShotPlanJson.Schema).Dispose();

        parse.Should().NotThrow();
    }
}
