# bash completion for flux-account (libfluxacct).
#
# Completes subcommands, each subcommand's options (read from its --help),
# and bank, user, queue and project names read from the database that
# -p/--path (or $FLUXACCT_DB) names.  Installed where bash-completion finds
# it; works without bash-completion's helpers too.

_flux_account_names ()
{
    # $1: what to list (banks|users|queues|projects); $2: database path
    local cmd=$1 db=$2 args=()
    [[ -n $db ]] && args=(-p "$db")
    case $cmd in
        banks) "$_fa_prog" -q "${args[@]}" list-banks -o '{bank}' 2>/dev/null | tail -n +2 ;;
        users) "$_fa_prog" -q "${args[@]}" list-users -o '{username}' 2>/dev/null | tail -n +2 | sort -u ;;
        queues) "$_fa_prog" -q "${args[@]}" list-queues -o '{queue}' 2>/dev/null | tail -n +2 ;;
        projects) "$_fa_prog" -q "${args[@]}" list-projects -o '{project}' 2>/dev/null | tail -n +2 ;;
    esac
}

_flux_account ()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local i sub="" db="" subidx=0
    _fa_prog=${COMP_WORDS[0]}
    [[ $_fa_prog == flux ]] && _fa_prog=flux-account
    command -v "$_fa_prog" >/dev/null 2>&1 || _fa_prog=flux-account

    # find the database and the subcommand (global options come first)
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            -p|--path|-f) db=${COMP_WORDS[i+1]}; ((i++)) ;;
            --path=*) db=${COMP_WORDS[i]#--path=} ;;
            -o|--output-file) [[ -z $sub ]] && ((i++)) ;;
            account) [[ ${COMP_WORDS[0]} == flux && -z $sub ]] && continue ;;
            -*) ;;
            *) if [[ -z $sub ]]; then sub=${COMP_WORDS[i]}; subidx=$i; fi ;;
        esac
    done
    [[ -z $db ]] && db=${FLUXACCT_DB:-}

    if [[ -z $sub ]]; then
        case $prev in
            -p|--path|-o|--output-file)
                COMPREPLY=($(compgen -f -- "$cur")); return ;;
        esac
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "-p --path -o --output-file -q --quiet -v --verbose -V --version -h --help" -- "$cur"))
        else
            local subs
            subs=$("$_fa_prog" --help 2>/dev/null | sed -n '/^Subcommands:/,/^$/p' | awk 'NR > 1 && NF {print $1}')
            COMPREPLY=($(compgen -W "$subs" -- "$cur"))
        fi
        return
    fi

    # the value of an option
    if [[ $sub == jobs ]]; then
        case $prev in
            --queue)
                COMPREPLY=($(compgen -W "$(_flux_account_names queues "$db")" -- "$cur")); return ;;
            -f|--filter)
                COMPREPLY=($(compgen -W "depend priority sched run cleanup inactive pending running active completed failed canceled timeout" -- "$cur")); return ;;
            -c|--count|-o|--format|--since|-j|--jobids)
                return ;;
        esac
    fi
    case $prev in
        -B|--bank|--parent-bank|--default-bank|-b)
            COMPREPLY=($(compgen -W "$(_flux_account_names banks "$db")" -- "$cur")); return ;;
        -u|--username|--user)
            COMPREPLY=($(compgen -W "$(_flux_account_names users "$db")" -- "$cur")); return ;;
        -q|--queues|--add-queue|--delete-queue)
            COMPREPLY=($(compgen -W "$(_flux_account_names queues "$db")" -- "$cur")); return ;;
        -P|--projects|--default-project|--project)
            [[ $sub == *user* || $sub == view-job-records ]] && {
                COMPREPLY=($(compgen -W "$(_flux_account_names projects "$db")" -- "$cur")); return; } ;;
        -i|--input|-c|--copy|-d|--dir)
            COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --allocation|--allocation-start|--allocation-period)
            return ;;
    esac

    if [[ $cur == -* ]]; then
        local opts
        opts=$("$_fa_prog" "$sub" --help 2>/dev/null | grep -oE -- '(^|[ ,])--?[A-Za-z][A-Za-z0-9-]*' | tr -d ' ,' | sort -u)
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi

    # positional arguments
    local npos=0
    for ((i = subidx + 1; i < COMP_CWORD; i++)); do
        [[ ${COMP_WORDS[i]} != -* && ${COMP_WORDS[i-1]} != -* ]] && ((npos++))
    done
    case $sub in
        view-bank|edit-bank|delete-bank|clear-usage|allocation-report)
            COMPREPLY=($(compgen -W "$(_flux_account_names banks "$db")" -- "$cur")) ;;
        view-user|edit-user|explain-fairshare|jobs)
            COMPREPLY=($(compgen -W "$(_flux_account_names users "$db")" -- "$cur")) ;;
        delete-user)
            if ((npos == 0)); then
                COMPREPLY=($(compgen -W "$(_flux_account_names users "$db")" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "$(_flux_account_names banks "$db")" -- "$cur"))
            fi ;;
        view-queue|edit-queue|delete-queue)
            COMPREPLY=($(compgen -W "$(_flux_account_names queues "$db")" -- "$cur")) ;;
        view-project|delete-project)
            COMPREPLY=($(compgen -W "$(_flux_account_names projects "$db")" -- "$cur")) ;;
        view-factor)
            COMPREPLY=($(compgen -W "fairshare queue bank urgency" -- "$cur")) ;;
        show-usage)
            COMPREPLY=($(compgen -W "associations banks" -- "$cur")) ;;
        import-jobs|create-db|update-usage)
            COMPREPLY=($(compgen -f -- "$cur")) ;;
    esac
}

complete -F _flux_account flux-account
complete -F _flux_account flux-account-update-usage flux-account-update-fshare flux-update-fshare \
    flux-account-fetch-job-records flux-account-priority-update
