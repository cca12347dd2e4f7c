using SemanticGen.Services.Core;
using YamlDotNet.RepresentationModel;

namespace SemanticGen.Services.Tests;

/// <summary>Every YAML under deploy/ parses, and its app ids and component names are the code's <see cref="DaprNames"/>.</summary>
public sealed class DeployConsistencyTests
{
    private static string Deploy(params string[] parts) => Path.Combine([RepoPaths.Root, "deploy", .. parts]);

    private static IEnumerable<YamlMappingNode> Documents(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode);
    }

    private static string At(YamlMappingNode node, params string[] keys)
    {
        YamlNode current = node;
        foreach (var key in keys)
            current = ((YamlMappingNode)current)[new YamlScalarNode(key)];
        return ((YamlScalarNode)current).Value!;
    }

    [Fact]
    public void Component_names_match_the_code_constants_in_both_variants()
    {
        foreach (var folder in new[] { "components", "components-inmemory" })
        {
            var names = Directory.GetFiles(Deploy("dapr", folder), "*.yaml").SelectMany(Documents)
                .Select(d => At(d, "metadata", "name")).ToList();
            names.Should().BeEquivalentTo(DaprNames.Components, folder);
        }
    }

    [Fact]
    public void The_multi_app_run_file_and_k8s_use_exactly_the_code_app_ids()
    {
        var run = Documents(Deploy("dapr.yaml")).Single();
        var apps = ((YamlSequenceNode)run[new YamlScalarNode("apps")]).Cast<YamlMappingNode>().Select(a => At(a, "appID"));
        apps.Should().BeEquivalentTo(DaprNames.AppIds);

        var k8sIds = Directory.GetFiles(Deploy("k8s"), "*.yaml").SelectMany(Documents)
            .Where(d => At(d, "kind") == "Deployment")
            .Select(d => At(d, "spec", "template", "metadata", "annotations", "dapr.io/app-id")).ToList();
        k8sIds.Should().BeEquivalentTo(DaprNames.AppIds);
        var latent = Documents(Deploy("k8s", "latent-generation.yaml")).Single();
        var container = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)latent["spec"])["template"])["spec"]["containers"])[0];
        At(container, "resources", "limits", "nvidia.com/gpu").Should().Be("1");
    }

    [Fact]
    public void Resiliency_targets_the_stage_app_ids_and_each_service_has_a_dockerfile()
    {
        var resiliency = Documents(Deploy("dapr", "resiliency.yaml")).Single();
        At(resiliency, "metadata", "name").Should().Be(DaprNames.ResiliencyPolicy);
        var targets = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)resiliency["spec"])["targets"])["apps"];
        targets.Children.Keys.Select(k => ((YamlScalarNode)k).Value).Should().BeEquivalentTo(
            [DaprNames.CaptioningAppId, DaprNames.SemanticGenerationAppId, DaprNames.LatentGenerationAppId]);
        foreach (var id in DaprNames.AppIds)
            File.Exists(Deploy("docker", $"{id}.Dockerfile")).Should().BeTrue(id);
    }
}
