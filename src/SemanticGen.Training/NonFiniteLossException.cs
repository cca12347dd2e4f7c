namespace SemanticGen.Training;

/// <summary>
/// A loss or gradient that is NaN or infinite, found before the optimizer step so the parameters are untouched.
/// </summary>
public sealed class NonFiniteLossException : Exception
{
    /// <summary>Creates the exception with a message naming the step, the loss and, when known, the parameter.</summary>
    public NonFiniteLossException(long step, double loss, string? parameterName)
        : base(parameterName is null
            ? $"Step {step}: the loss is {loss}; training stopped before the optimizer step (parameters unchanged)."
            : $"Step {step}: parameter '{parameterName}' has a non-finite gradient (loss {loss}); training stopped before the optimizer step (parameters unchanged).")
    {
        Step = step;
        Loss = loss;
        ParameterName = parameterName;
    }

    /// <summary>The 1-based step that produced the value.</summary>
    public long Step { get; }

    /// <summary>The loss of that step (may itself be finite when a gradient is not).</summary>
    public double Loss { get; }

    /// <summary>The first parameter (in <c>named_parameters</c> order) with a non-finite gradient; null for a non-finite loss.</summary>
    public string? ParameterName { get; }
}
