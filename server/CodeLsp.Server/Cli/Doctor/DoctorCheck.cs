namespace CodeLsp.Server.Cli.Doctor;

internal enum CheckStatus { Ok, Warning, Failed, Skipped }

/// <summary>One line of <c>codelsp doctor</c>: what was checked, what was found, and the fix when it is not OK.</summary>
internal sealed record DoctorCheck(string Name, CheckStatus Status, string Detail, string? Fix = null)
{
    public static DoctorCheck Ok(string name, string detail) => new(name, CheckStatus.Ok, detail);
    public static DoctorCheck Warn(string name, string detail, string fix) => new(name, CheckStatus.Warning, detail, fix);
    public static DoctorCheck Fail(string name, string detail, string fix) => new(name, CheckStatus.Failed, detail, fix);
    public static DoctorCheck Skip(string name, string detail) => new(name, CheckStatus.Skipped, detail);

    public IEnumerable<string> Describe()
    {
        var mark = Status switch { CheckStatus.Ok => "ok  ", CheckStatus.Warning => "warn", CheckStatus.Failed => "FAIL", _ => "skip" };
        yield return $"[{mark}] {Name,-20} {Detail}";
        if (Fix is not null)
        {
            yield return $"       {"",-20} fix: {Fix}";
        }
    }
}
