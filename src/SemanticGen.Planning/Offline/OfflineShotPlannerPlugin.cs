using System.ComponentModel;
using Microsoft.SemanticKernel;

namespace SemanticGen.Planning.Offline;

/// <summary>
/// The default, offline planner as a native Semantic Kernel plugin (chosen over a fake chat-completion service: it
/// needs no prompt to be parsed back and states plainly that no model runs). Its one function, <c>plan_shots</c>,
/// returns the plan as <see cref="ShotPlanJson"/> text, so the offline and the model path share the kernel call,
/// the strict parse and the validation of <see cref="KernelShotPlanner"/>.
/// </summary>
/// <param name="proseShotSeconds">Duration of each prose shot (Shapes World shots are always one 49-frame clip).</param>
public sealed class OfflineShotPlannerPlugin(double proseShotSeconds)
{
    /// <summary>The plugin's name in the kernel.</summary>
    public const string PluginName = "ShotPlanner";

    /// <summary>The planning function's name in the kernel.</summary>
    public const string FunctionName = "plan_shots";

    /// <summary>Plans <paramref name="outline"/> with <see cref="OfflineOutlinePlanner"/> and returns it as JSON.</summary>
    [KernelFunction(FunctionName)]
    [Description("Splits a story outline into shots and returns the shot plan as JSON.")]
    public string PlanShots([Description("The story outline.")] string outline) =>
        ShotPlanJson.Serialize(OfflineOutlinePlanner.Plan(outline, proseShotSeconds));
}
