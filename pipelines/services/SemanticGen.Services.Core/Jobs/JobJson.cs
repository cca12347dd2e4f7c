using System.Text.Json;
using System.Text.Json.Serialization;

namespace SemanticGen.Services.Core.Jobs;

/// <summary>
/// The one JSON shape of jobs, stage calls and events (web defaults, enums as kebab-case strings such as
/// <c>text-to-video</c>), shared by the HTTP endpoints, the SQLite store and the Dapr adapters.
/// </summary>
public static class JobJson
{
    /// <summary>The serializer options.</summary>
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Applies the house settings to <paramref name="options"/> (e.g. ASP.NET Core's) and returns it.</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        return options;
    }

    /// <summary>Serializes with <see cref="Options"/>.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Deserializes with <see cref="Options"/>; null JSON is an error naming the type.</summary>
    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"expected a {typeof(T).Name}, found null.");
}
