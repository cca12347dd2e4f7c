namespace SemanticGen.Services.Core.Stages;

/// <summary>A captioner could not caption a video; the message names the file and the reason.</summary>
public sealed class CaptioningException(string message, Exception? inner = null) : Exception(message, inner);
