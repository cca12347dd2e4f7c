# semantic-generation (app id semantic-generation). Build from the repository root: docker build -f deploy/docker/semantic-generation.Dockerfile .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish pipelines/services/SemanticGen.Services.SemanticGeneration -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
# The pipeline folder (Pipeline:Folder, checked at start); mount another one over it to serve a different pipeline.
COPY --from=build /src/models/shapes-v1 ./models/shapes-v1
ENV Pipeline__Folder=/app/models/shapes-v1
ENV ASPNETCORE_URLS=http://+:8080
EXPOSE 8080
ENTRYPOINT ["dotnet", "SemanticGen.Services.SemanticGeneration.dll"]
