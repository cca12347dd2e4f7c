namespace SemanticGen.Data.ShapesWorld;

/// <summary>A vocabulary item of the caption grammar: its exact word(s) as they appear in captions.</summary>
public interface ICaptionWord
{
    /// <summary>The exact caption text, e.g. "red" or "moves left".</summary>
    string Word { get; }
}
