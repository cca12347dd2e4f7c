namespace SemanticGen.Data.Captioned;

/// <summary>
/// One training pair of a captioned video folder: <paramref name="Video"/> as written in captions.jsonl
/// (relative to the folder, '/' separated), its absolute <paramref name="FullPath"/>, and its caption.
/// </summary>
public sealed record CaptionedVideo(string Video, string FullPath, string Caption);
