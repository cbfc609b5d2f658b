# syntax=docker/dockerfile:1
# Same publish step as the README's "Deploy" section: dotnet publish src/ChatOrganizer.Web -c Release
# -p:PublishReadyToRun=true -o <dir>: precompiled for the runtime of the machine that publishes, here the architecture
# the image is built for (amd64 or arm64). The restore is told too, so that it fetches that runtime's packs.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so code edits reuse the package layer.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/ChatOrganizer.Core/ChatOrganizer.Core.csproj src/ChatOrganizer.Core/
COPY src/ChatOrganizer.Web/ChatOrganizer.Web.csproj src/ChatOrganizer.Web/
RUN dotnet restore src/ChatOrganizer.Web/ChatOrganizer.Web.csproj -p:PublishReadyToRun=true
COPY appsettings.json ./
COPY wwwroot/ wwwroot/
COPY src/ src/
RUN dotnet publish src/ChatOrganizer.Web/ChatOrganizer.Web.csproj -c Release -p:PublishReadyToRun=true --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The image's unprivileged "app" user owns only the data volume.
RUN mkdir -p /data && chown app:app /data
ENV ASPNETCORE_ENVIRONMENT=Production \
    PORT=8080 \
    DATA_DIR=/data
USER app
EXPOSE 8080
VOLUME ["/data"]
ENTRYPOINT ["dotnet", "ChatOrganizer.Web.dll"]
