namespace CodeLsp.Features;

/// <summary>Where CodeLsp keeps what it writes for the user (logs, statistics): $XDG_STATE_HOME/codelsp, else ~/.local/state/codelsp.</summary>
public static class StateFolder
{
    public static string Resolve(Func<string, string?>? getEnvironmentVariable = null)
    {
        var stateHome = (getEnvironmentVariable ?? Environment.GetEnvironmentVariable)("XDG_STATE_HOME");
        if (string.IsNullOrWhiteSpace(stateHome) || !Path.IsPathRooted(stateHome))
        {
            stateHome = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        }
        return Path.Combine(stateHome, "codelsp");
    }
}
