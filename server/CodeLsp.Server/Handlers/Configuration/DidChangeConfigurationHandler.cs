using CodeLsp.Protocol;
using CodeLsp.Server.Hosting;
using CodeLsp.Server.Settings;

namespace CodeLsp.Server.Handlers.Configuration;

/// <summary>workspace/didChangeConfiguration: takes the codelsp section and re-applies the merged settings.</summary>
internal sealed class DidChangeConfigurationHandler(ServerState server) : INotificationHandler<DidChangeConfigurationParams>
{
    public Task HandleAsync(DidChangeConfigurationParams notification, RequestContext context, CancellationToken cancellationToken)
    {
        SettingsApplier.Apply(server, server.SettingsSources with { Configuration = notification.Settings });
        return Task.CompletedTask;
    }
}
