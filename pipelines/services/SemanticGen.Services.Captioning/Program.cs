using SemanticGen.Services.Captioning;

await CaptioningService.Build(args).RunAsync();
