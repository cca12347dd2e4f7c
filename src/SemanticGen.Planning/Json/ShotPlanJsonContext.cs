using System.Text.Json;
using System.Text.Json.Serialization;

namespace SemanticGen.Planning;

/// <summary>
/// Source-generated (trim-safe) System.Text.Json metadata for <see cref="ShotPlan"/> with the strict settings of
/// <see cref="ShotPlanJson"/>: camelCase names, unknown members rejected, every constructor parameter required,
/// nulls only where the C# type is nullable, no comments or trailing commas, numbers as JSON numbers only.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    NumberHandling = JsonNumberHandling.Strict,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    AllowTrailingCommas = false,
    ReadCommentHandling = JsonCommentHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    WriteIndented = true)]
[JsonSerializable(typeof(ShotPlan))]
internal sealed partial class ShotPlanJsonContext : JsonSerializerContext;
