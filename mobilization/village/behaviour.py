"""The village's behavioural constants, each a parameter (DESIGN principle 5).

Every weight, rate, threshold and effect size of the weekly dynamics, the branch's
struggles, the welfare measures, the gentry and the initial village is a row here, grouped;
``parameters.PARAMETERS`` appends them, after the structural and method parameters, to the
one parameter table (``mobilize params``, docs/ODD.md). The sources give none of these
numbers: each is an ``assumption`` with a plausible range, and its default is the value the
model has always used (tests/test_golden.py), so any sensitivity analysis can now reach it.

A row is ``(name, default, low, high, kind, basis, doc)``. This module imports nothing, so
reading the table stays light (``mobilize params``).
"""

from __future__ import annotations

A = "assumption"

Row = tuple[str, float | int | bool, float | None, float | None, type, str, str]

BEHAVIOUR: dict[str, tuple[Row, ...]] = {
    # --- weekly attitude dynamics (dynamics.py) ----------------------------------------
    "attitudes": (
        ("grievance_rate", 0.1, 0.0, 1.0, float, A,
         "Weekly share of the gap to the grievance its burden produces that a villager's "
         "grievance closes; 0.1 lets a new burden be felt fully within a season."),
        ("grievance_burden_floor", 0.25, 0.0, 1.0, float, A,
         "Burden (share of household income) below which a household has no grievance; a "
         "quarter of income is what a north-China household bore as a matter of course."),
        ("grievance_burden_span", 0.5, 0.05, 2.0, float, A,
         "Burden above grievance_burden_floor at which grievance is full; at 0.5 a "
         "household that loses three quarters of its income is fully aggrieved."),
        ("fear_rate", 0.05, 0.0, 1.0, float, A,
         "Weekly share of the gap to the fear the gentry instil that a villager's fear "
         "closes; slower than grievance, since intimidation works by reputation."),
        ("fear_exposure_middle", 0.5, 0.0, 1.0, float, A,
         "Share of the gentry's effective power a middle-peasant household feels as fear; "
         "owning its land, it depends on them only in part."),
        ("fear_exposure_poor", 0.4, 0.0, 1.0, float, A,
         "Extra share of the gentry's power felt by poor, tenant and hired households, who "
         "rent their land and borrow from the gentry (0.5 + 0.4 = 0.9 of it)."),
        ("fear_organized_protection", 0.8, 0.0, 1.0, float, A,
         "Share of fear a fully organized neighbourhood removes: 'Wherever the people are "
         "active, the Chinese collaborators have to pull in their horns'."),
        ("organized_neighbours", 0.5, 0.0, 1.0, float, A,
         "Weight of the organized share of a villager's neighbours in how organized his "
         "surroundings are (protection from fear); half, with his own organization."),
        ("organized_self", 0.5, 0.0, 1.0, float, A,
         "Weight of a villager's own organization (active member, activist or Party member) "
         "in how organized his surroundings are; the other half."),
        ("trust_memory", 0.005, 0.0, 0.1, float, A,
         "Weekly share of the gap to trust_baseline that trust closes as memory fades; 0.005 "
         "halves a struggle's effect on trust in about three years."),
        ("trust_baseline", 0.4, 0.0, 1.0, float, A,
         "Trust in the Party that villagers drift back to without events; a little below "
         "the initial mean (beta(3, 4), 0.43) of a new, untested branch."),
    ),
    # --- stances (dynamics.stance) -------------------------------------------------------
    "stance": (
        ("stance_consciousness", 0.6, 0.0, 2.0, float, A,
         "Weight of consciousness in the level that sorts villagers into Mao's active, "
         "intermediate and backward; consciousness counts most."),
        ("stance_trust", 0.4, 0.0, 2.0, float, A,
         "Weight of trust in the leadership in the stance level."),
        ("stance_fear", 0.3, 0.0, 2.0, float, A,
         "Weight of fear, subtracted, in the stance level: fear holds people back."),
        ("stance_active_cutoff", 0.4, 0.0, 1.0, float, A,
         "Stance level at or above which a villager is active; with the initial attitudes "
         "few are, 'the relatively active ... in any group' being a minority."),
        ("stance_backward_cutoff", 0.15, 0.0, 1.0, float, A,
         "Stance level below which a villager is backward; the many in between are "
         "intermediate, as Mao says the majority is."),
    ),
    # --- readiness to leave (dynamics.readiness) ------------------------------------------
    "readiness": (
        ("readiness_consciousness", 0.45, 0.0, 2.0, float, A,
         "Weight of consciousness in readiness to enlist or leave for salvation work; the "
         "largest, since volunteers go for the cause."),
        ("readiness_trust", 0.35, 0.0, 2.0, float, A,
         "Weight of trust in the Party in readiness: one goes when one trusts those who ask."),
        ("readiness_active_member", 0.1, 0.0, 1.0, float, A,
         "Readiness added by active membership of a mass organization."),
        ("readiness_neighbours_gone", 0.25, 0.0, 2.0, float, A,
         "Weight of the share of one's neighbours who have left: the example of others."),
        ("readiness_fear", 0.3, 0.0, 2.0, float, A,
         "Weight of fear of the gentry, subtracted from readiness."),
        ("readiness_soldier_care", 0.05, 0.0, 0.5, float, A,
         "Readiness added once soldiers' families get preferential treatment: those who "
         "go know their families are looked after."),
        ("readiness_soldier_burden", 0.05, 0.0, 0.5, float, A,
         "Readiness lost while villagers see soldiers' families made to carry shifted "
         "burdens ('set good examples')."),
    ),
    # --- who leaves (dynamics.mobilization_draws) -----------------------------------------
    "mobilization": (
        ("women_without_association", 0.3, 0.0, 1.0, float, A,
         "Factor on a working-age woman's weekly chance of leaving for salvation work "
         "before a women's association is won: unorganized, few women leave."),
        ("army_share_men", 0.75, 0.0, 1.0, float, A,
         "Share of the men who leave that join the army, the rest leaving for salvation "
         "work; men of military age mostly enlist."),
    ),
    # --- households' land and labour (population.draw_land, dynamics.labour_choice) --------
    "households": (
        ("household_labour", True, None, None, bool, A,
         "Switch on households' land and labour (DESIGN principle 2): a household lets a "
         "member go only while it keeps the hands its land needs, and men choose the army "
         "or salvation work by conviction and their household's need of them. False gives "
         "the first edition, where anyone may go whatever his household's land needs."),
        ("land_poor", 1.5, 0.0, 6.0, float, A,
         "Land a poor or tenant household tills, in labour-units of a working adult (the "
         "land one adult can work): a few mu, needing one or two adults. Hired labourers' "
         "households have none."),
        ("land_middle", 2.5, 0.0, 8.0, float, A,
         "Land a middle-peasant household tills, in labour-units of a working adult: "
         "enough to keep two or three adults busy."),
        ("land_spread", 0.3, 0.0, 1.0, float, A,
         "Spread of each household's land around its class's: a factor drawn uniformly "
         "within 1 plus or minus this at construction (only when household_labour is on)."),
        ("labour_need", 1.0, 0.0, 3.0, float, A,
         "Working adults a household must keep per labour-unit of land; 1 means the land "
         "is measured in exactly the hands it needs."),
        ("labour_slack", 0.5, 0.05, 5.0, float, A,
         "Hands left beyond the land's need at which a household lets a member go as "
         "readily as if it had no land: the chance of leaving is multiplied by "
         "(labour left - need) / labour_slack, limited to [0, 1]. Half an adult's work to "
         "spare (a grown child, an older parent who still helps) is enough."),
        ("care_labour", 0.5, 0.0, 3.0, float, A,
         "Labour-units the village adds to a soldier's family once soldiers' families get "
         "preferential treatment (the village tills their fields; CY: 'It has done a good "
         "job of giving preferential treatment to the families of soldiers'): half an "
         "adult's work, ploughing and harvest help in the busy seasons."),
        ("army_base", 0.45, 0.0, 1.0, float, A,
         "Chance that a man who leaves joins the army rather than salvation work, before "
         "conviction and his household's need of him (household_labour on; otherwise the "
         "fixed army_share_men)."),
        ("army_consciousness", 0.5, 0.0, 2.0, float, A,
         "Added to a leaving man's chance of the army per unit of his consciousness: the "
         "convinced go to the front."),
        ("army_invader", 0.3, 0.0, 2.0, float, A,
         "Added per unit of his grievance against the invader (threat on): those whose "
         "families were raided want to fight him."),
        ("army_labour", 0.4, 0.0, 2.0, float, A,
         "Subtracted per unit of his household's need of his labour (1 - its spare-labour "
         "factor): salvation work in the district keeps a man near enough to help at home, "
         "the army does not."),
    ),
    # --- turnout in a struggle (branch.turnout) -------------------------------------------
    "turnout": (
        ("turnout_grievance", 0.6, 0.0, 2.0, float, A,
         "Weight of grievance in a villager's will to join a struggle that concerns him; "
         "the largest, since people fight for their own interests."),
        ("turnout_trust", 0.4, 0.0, 2.0, float, A,
         "Weight of trust in the Party, who call the struggle, in the will to join it."),
        ("turnout_active_member", 0.3, 0.0, 2.0, float, A,
         "Will to join added by active membership of a mass organization."),
        ("turnout_fear", 0.6, 0.0, 2.0, float, A,
         "Weight of fear of the gentry, subtracted from the will to join: as strong as "
         "grievance, since a struggle is against the gentry."),
        ("turnout_threshold", 0.45, 0.0, 2.0, float, A,
         "Will at which a villager joins a struggle with chance one half."),
        ("turnout_slope", 8.0, 1.0, 50.0, float, A,
         "Steepness of the will-to-turnout curve."),
    ),
    # --- struggle, victory and defeat (branch.campaign, _win, _lose) ----------------------
    "struggle": (
        ("struggle_slope", 12.0, 1.0, 50.0, float, A,
         "Steepness of the chance of winning in organized strength minus the strength "
         "needed (the branch's estimate and the outcome alike)."),
        ("win_fear_factor", 0.7, 0.0, 1.0, float, A,
         "Factor on the fear of those who took part in a won struggle: having stood up to "
         "the gentry and won, they fear them less."),
        ("win_benefit_trust", 0.3, 0.0, 1.0, float, A,
         "Trust gained by those a won measure concerns who did not take part, as a share "
         "of struggle_gain: the benefit alone teaches little."),
        ("win_benefit_consciousness", 0.1, 0.0, 1.0, float, A,
         "Consciousness gained by those who benefit without taking part, as a share of "
         "struggle_gain: less still."),
        ("win_elected_gentry_factor", 0.5, 0.0, 1.0, float, A,
         "Factor on gentry power when the villagers elect their own representatives: the "
         "gentry lose the office, half their hold."),
        ("win_decree_gentry_factor", 0.85, 0.0, 1.0, float, A,
         "Factor on gentry power when a decree they obstructed is enforced by the masses."),
        ("loss_fear", 0.15, 0.0, 1.0, float, A,
         "Rise in the fear of those who took part in a lost struggle, as a share of the "
         "gap to 1: the gentry take revenge."),
        ("loss_trust", 0.05, 0.0, 1.0, float, A,
         "Share of their trust in the Party lost by those who took part in a lost struggle."),
        ("loss_gentry_regain", 0.05, 0.0, 1.0, float, A,
         "Rise in gentry power after a lost struggle, as a share of the gap to 1."),
        ("loss_membership", 0.3, 0.0, 1.0, float, A,
         "Chance that an active member who took part in a lost struggle drops back to a "
         "name on the list: a defeat scatters an organization (DESIGN principle 1, 'a "
         "welfare-first branch can lose its struggles and fail'). 0 in the first edition."),
        ("obstruction_non_decree", 0.25, 0.0, 1.0, float, A,
         "Share of the gentry's obstruction (obstruction x gentry power as felt) that a "
         "measure which is not a decree meets: a co-operative takes trade from gentry "
         "merchants, a loan office takes debtors from usurers, a women's association "
         "defies the elders. Less than a decree's, which their hold on the office blocks "
         "outright. 0 in the first edition."),
    ),
    # --- welfare measures (welfare.py) ----------------------------------------------------
    "measures": (
        ("reform", True, None, None, bool, A,
         "The reform channel (DESIGN section 1; Selden, Gillin, CY): a won measure changes "
         "the livelihoods it concerns (rents, interest, levies, prices, loans, preferential "
         "treatment of soldiers' families) and the benefit wins the trust of those it "
         "reaches. False: won measures leave livelihoods as they were, as if every decree "
         "were distorted; what the struggle does to the gentry's power and to the "
         "organization of those who fought it stays. For the explanations experiment."),
        ("measure_rent_factor", 0.75, 0.0, 1.0, float, A,
         "Factor on rent burdens once rent reduction is won: cut by a quarter, the "
         "reduction decreed in the border regions."),
        ("measure_interest_factor", 0.5, 0.0, 1.0, float, A,
         "Factor on interest burdens once interest reduction is won: halved."),
        ("measure_levy_factor", 0.5, 0.0, 1.0, float, A,
         "Factor on base levies once exorbitant levies are abolished: the exorbitant half "
         "goes."),
        ("measure_cooperative_factor", 0.7, 0.0, 1.0, float, A,
         "Factor on price burdens once a co-operative runs: 30% cheaper goods and fairer "
         "prices for produce."),
        ("measure_loan_factor", 0.67, 0.0, 1.0, float, A,
         "Factor on interest burdens once a low-interest loan office runs: cheap loans "
         "replace a third of usurious debt."),
        ("measure_concern_floor", 0.05, 0.0, 1.0, float, A,
         "Rent or interest burden (share of income) above which a rent or interest "
         "measure concerns a household, so its members take part in the struggle."),
        ("daily_life_blocks", 10, 1, 100, int, A,
         "Neighbourhoods the village is divided into for matters of daily life; a dispute, "
         "relief, water or seed concerns one of them, about a tenth of the households."),
    ),
    # --- what households report (branch.reported_problems) -------------------------------
    "problems": (
        ("problem_soldiers_gentry", 0.5, 0.0, 2.0, float, A,
         "Weight a soldier's family gives, under gentry rule, to the burdens shifted onto "
         "it and its untilled fields, before its grievance."),
        ("problem_soldiers_elected", 0.2, 0.0, 2.0, float, A,
         "The same weight under an elected government, which shifts nothing: untilled "
         "fields remain."),
        ("problem_soldiers_grievance", 0.5, 0.0, 2.0, float, A,
         "Weight of a soldier's family's grievance in its report of its treatment."),
        ("problem_head_fear", 0.3, 0.0, 2.0, float, A,
         "Weight of a household's fear in its report of the gentry-held village head."),
        ("problem_women", 0.3, 0.0, 2.0, float, A,
         "Weight of working-age women's grievance, per household, in the report of their "
         "exclusion from village affairs."),
        ("problem_daily_life", 0.02, 0.0, 1.0, float, A,
         "Weight of grievance in matters of daily life, reported by every household: small "
         "each, but always there."),
    ),
    # --- activists, the Party and the mass organizations (branch.py, model.py) ------------
    "organization": (
        ("organization", True, None, None, bool, A,
         "The organization channel (DESIGN section 1; Hofheinz, Kataoka, MZ): won struggles "
         "make their participants active members and bring activists forward, the branch "
         "admits tested activists, its members organize the villagers around them "
         "(organizing_rate) and villagers organize of their own accord. False: mass "
         "organizations stay names on a list and nobody comes forward, whatever the "
         "method; struggles are fought by raw turnout and teach nothing beyond their "
         "material benefit. For the explanations experiment."),
        ("organizing_rate", 0.02, 0.0, 1.0, float, A,
         "Chance per meeting held (either agenda), per unit of the leading group's quality, "
         "that a working-age villager who lives next to a genuine Party member or activist "
         "and trusts the Party (times his trust) becomes an active member: the branch's "
         "organizational work, which does not depend on the meeting's item (MZ: 'a "
         "leading group which is united, linked with the masses'). Idle organizations still "
         "lapse (organization_lapse)."),
        ("activist_consciousness", 0.6, 0.0, 1.0, float, A,
         "Consciousness at or above which a villager who took part in a won struggle can "
         "come forward as an activist."),
        ("activist_trust", 0.6, 0.0, 1.0, float, A,
         "Trust at or above which a villager who took part in a won struggle can come "
         "forward as an activist."),
        ("activist_chance", 0.2, 0.0, 1.0, float, A,
         "Chance that such a villager comes forward as an activist after a won struggle: "
         "'Only then will leaders emerge'."),
        ("admission_consciousness", 0.6, 0.0, 1.0, float, A,
         "Consciousness at or above which an activist can be admitted to the Party."),
        ("admission_trust", 0.6, 0.0, 1.0, float, A,
         "Trust at or above which an activist can be admitted to the Party."),
        ("admissions_per_meeting", 1, 0, 10, int, A,
         "Tested activists the branch admits after a vital-interest meeting, the most "
         "conscious first; one at a time, as a new branch grows."),
        ("admission_bad_factor", 0.25, 0.0, 1.0, float, A,
         "Factor on bad_element_share for activists tested in struggle: 'The mass movement "
         "provides new Party members' of whom few are bad elements."),
        ("party_drive_chance", 0.2, 0.0, 1.0, float, A,
         "Chance that a quota meeting also admits one villager to the Party by assignment, "
         "untested: 'enlisting a few recruits for the Party'."),
        ("exposure_rate", 0.1, 0.0, 1.0, float, A,
         "Weekly chance, per unit of active membership share, that a bad element present is "
         "exposed and expelled: 'it will be easy to tell true Communists ...'."),
        ("expel_trust_regain", 0.05, 0.0, 0.5, float, A,
         "Trust regained by the households tied to a bad element when he is expelled."),
        ("commitment_bad_max", 0.3, 0.0, 1.0, float, A,
         "Highest commitment of a bad element (drawn uniformly from 0): he joined for "
         "ulterior motives."),
        ("commitment_good_min", 0.5, 0.0, 1.0, float, A,
         "Lowest commitment of a genuine Party member (drawn uniformly up to 1)."),
        ("organization_idle_weeks", 26, 0, 520, int, A,
         "Weeks without a won struggle after which active members start to lapse to names "
         "on a list: half a year."),
        ("organization_lapse", 0.01, 0.0, 1.0, float, A,
         "Weekly chance that an active member of an idle organization lapses to nominal: "
         "'not performing any real function'."),
        # Of their own accord (accord.py; DESIGN principle 1, issue 11 item 2).
        ("spontaneous_struggles", True, None, None, bool, A,
         "Switch on struggles the villagers start of their own accord, without the branch, "
         "and self-organization: CY 'The villagers have done all this of their own "
         "accord'. False gives the first edition, where only the branch starts struggles."),
        ("spontaneous_rate", 0.04, 0.0, 1.0, float, A,
         "Most weekly chance of a struggle of the villagers' own accord, reached when the "
         "concerned are aggrieved and organized; 0.04 is at most about two a year. With "
         "the threshold and self_organize_rate it makes an election rare in quota-only "
         "villages (3 of 40 at population 200, tests/test_accord.py)."),
        ("spontaneous_slope", 20.0, 1.0, 100.0, float, A,
         "Steepness of that chance in mean grievance of the concerned times their "
         "organized share, minus spontaneous_threshold."),
        ("spontaneous_threshold", 0.15, 0.0, 1.0, float, A,
         "Grievance times organized share at which the chance is half spontaneous_rate: "
         "aggrieved but unorganized villagers rarely rise (organization is the spark)."),
        ("self_organize_rate", 0.002, 0.0, 1.0, float, A,
         "Weekly chance, per unit of organized share among his neighbours and of his "
         "grievance, that a working-age villager joins a mass organization as an active "
         "member of his own accord: small, since no one leads him."),
    ),
    # --- the gentry (government.py) --------------------------------------------------------
    "gentry": (
        ("gentry_regain", 0.004, 0.0, 0.1, float, A,
         "Weekly share of what struggles took from them that gentry who keep the village "
         "government regain; slowly, about a fifth in a year."),
        ("elected_gentry_power", 0.4, 0.0, 1.0, float, A,
         "Share of their power the gentry still wield once the government is elected: land "
         "and loans remain, the office is gone."),
        # The gentry act (accord.py; DESIGN principle 4).
        ("gentry_reprisals", True, None, None, bool, A,
         "Switch on the gentry's retaliation against activists after a struggle and their "
         "winning back of won decrees where organization lapses: CY's decrees 'distorted "
         "or enforced perversely'. False gives the first edition's passive gentry."),
        ("reprisal_chance", 0.5, 0.0, 1.0, float, A,
         "Chance, per unit of gentry power, that the gentry retaliate after a struggle, "
         "won or lost, against the activists and Party members who led it."),
        ("reprisal_fear", 0.2, 0.0, 1.0, float, A,
         "Rise in the fear of the members of a targeted leader's household, as a share of "
         "the gap to 1: intimidation of the family."),
        ("reprisal_drive_out", 0.3, 0.0, 1.0, float, A,
         "Chance that a targeted activist is driven out of activity (arrested, beaten, "
         "forced to hide): demoted to villager and a nominal member; nobody is removed."),
        ("clawback_rate", 0.02, 0.0, 1.0, float, A,
         "Weekly chance, per unit of gentry power and of the share of working-age "
         "villagers not active members, that the gentry win back one won decree: its "
         "burden effect is undone and it can be fought for again."),
    ),
    # --- quotas by order and of the villagers' own accord (branch.py, model.py) -----------
    "quotas": (
        ("separate_quotas", True, None, None, bool, A,
         "Switch on separate sources for the three goods (DESIGN section 4): grain from "
         "the harvest, bonds from cash, shoes from women's work; each good's own-accord "
         "contribution is scaled by its source's capacity and orders lay it on households "
         "by that source. False gives the first edition's one rate for all three."),
        ("grain_raid_weight", 1.0, 0.0, 5.0, float, A,
         "Share of a household's harvest for grain lost per unit of the burden raids "
         "left on it (raid_loss, a share of income; threat on): a raid takes grain."),
        ("bond_cash_hired", 0.1, 0.0, 1.0, float, A,
         "Cash for bonds a hired labourer's household can raise, as a share of its part "
         "of the bond quota: next to none."),
        ("bond_cash_poor", 0.3, 0.0, 1.0, float, A,
         "Cash for bonds a poor or tenant household can raise: little."),
        ("bond_cash_middle", 0.8, 0.0, 1.0, float, A,
         "Cash for bonds a middle-peasant household can raise: most of its part."),
        ("bond_cash_cooperative", 0.3, 0.0, 1.0, float, A,
         "Cash added to every household's once the co-operative is won (CY: the good "
         "village 'runs a co-operative' and 'has fulfilled its quotas for national "
         "salvation bonds')."),
        ("shoe_work", 0.25, 0.0, 1.0, float, A,
         "Army shoes a working-age woman present makes, as a share of her household's part "
         "of the shoe quota, while women are unorganized."),
        ("shoe_work_association", 0.75, 0.0, 1.0, float, A,
         "The same once the women's association is won: 'The women are involved' (CY)."),
        ("quota_meetings_persuade", 0.01, 0.0, 1.0, float, A,
         "Share of the gap to 1 by which a quota meeting raises the consciousness and trust "
         "of the households it assigns quotas to: even a quota-only branch explains the "
         "war a little (DESIGN principle 1: 'a quota-only branch's meetings can still "
         "persuade a little'). 0 is the branch that 'merely assigns quotas' of the first "
         "edition."),
        ("assignment_paid_base", 0.2, 0.0, 1.0, float, A,
         "Share of a quota assigned by order that a household pays even without trust."),
        ("assignment_paid_trust", 0.6, 0.0, 1.0, float, A,
         "Share more it pays at full trust (0.2 + 0.6 = 0.8): orders are never met in full."),
        ("assignment_cost_cap", 3.0, 0.0, 20.0, float, A,
         "Most quota periods' worth of assignment a household's trust loss counts at one "
         "meeting: beyond three periods the order is resented no more."),
        ("press_named_per_recruit", 2, 1, 10, int, A,
         "Men the branch names per recruit still due when it presses recruits by order."),
        ("press_refusal_cost", 2.0, 0.0, 10.0, float, A,
         "Trust lost by the household of a named man who refuses, as a multiple of "
         "assignment_cost: pressing men costs more than assessing grain."),
        ("assessed_decay", 0.9, 0.0, 1.0, float, A,
         "Share of last week's quota assessments a household still feels as a burden this "
         "week; 0.9 lets a levy weigh for a couple of months."),
        ("contribute_consciousness", 0.5, 0.0, 1.0, float, A,
         "Weight of consciousness in a villager's will to give of his own accord."),
        ("contribute_trust", 0.5, 0.0, 1.0, float, A,
         "Weight of trust in the Party in a villager's will to give of his own accord."),
        ("contribute_fear", 0.5, 0.0, 1.0, float, A,
         "Share of the will to give that full fear of the gentry removes."),
        ("contribute_rate", 0.04, 0.0, 1.0, float, A,
         "Weekly share of what is due that a fully willing village gives of its own accord."),
        ("contribute_organized", 0.25, 0.0, 1.0, float, A,
         "Weekly share of what is due that a fully organized village gives: 'like rowing "
         "with the current'."),
    ),
    # --- the initial village (population.py) -----------------------------------------------
    "initial": (
        ("share_female", 0.5, 0.0, 1.0, float, A,
         "Share of women among the villagers; half."),
        ("initial_consciousness_a", 2.0, 0.1, 50.0, float, A,
         "First shape of the beta distribution of initial consciousness (beta(2, 7): mean "
         "0.22, low before any struggle)."),
        ("initial_consciousness_b", 7.0, 0.1, 50.0, float, A,
         "Second shape of the beta distribution of initial consciousness."),
        ("initial_consciousness_poor", 0.05, 0.0, 0.5, float, A,
         "Consciousness added in poor, tenant and hired households: exploitation teaches."),
        ("initial_trust_a", 3.0, 0.1, 50.0, float, A,
         "First shape of the beta distribution of initial trust in the Party (beta(3, 4): "
         "mean 0.43, a new branch neither trusted nor distrusted)."),
        ("initial_trust_b", 4.0, 0.1, 50.0, float, A,
         "Second shape of the beta distribution of initial trust in the Party."),
        ("initial_grievance_spread", 0.3, 0.0, 1.0, float, A,
         "Individual spread of initial grievance around the household's: a factor drawn "
         "uniformly within 1 plus or minus this."),
        ("initial_fear_spread", 0.3, 0.0, 1.0, float, A,
         "Individual spread of initial fear around the household's: a factor drawn "
         "uniformly within 1 plus or minus this."),
        ("party_consciousness_floor", 0.4, 0.0, 1.0, float, A,
         "Least consciousness of an initial Party member."),
        ("party_trust_floor", 0.6, 0.0, 1.0, float, A,
         "Least trust in the Party of an initial Party member."),
    ),
    # --- burdens as a share of household income (population.base_burden) ------------------
    "burdens": (
        ("burden_interest_hired", 0.12, 0.0, 1.0, float, A,
         "Interest burden of a hired labourer's household (no land, so no rent)."),
        ("burden_levy_hired", 0.08, 0.0, 1.0, float, A,
         "Base levy burden of a hired labourer's household."),
        ("burden_prices_hired", 0.25, 0.0, 1.0, float, A,
         "Price burden of a hired labourer's household: wages eaten by prices."),
        ("burden_rent_poor", 0.4, 0.0, 1.0, float, A,
         "Rent burden of a poor or tenant household: tenants paid about half the crop on "
         "the land they rented."),
        ("burden_interest_poor", 0.15, 0.0, 1.0, float, A,
         "Interest burden of a poor or tenant household: usurious debt."),
        ("burden_levy_poor", 0.08, 0.0, 1.0, float, A,
         "Base levy burden of a poor or tenant household."),
        ("burden_prices_poor", 0.12, 0.0, 1.0, float, A,
         "Price burden of a poor or tenant household."),
        ("burden_rent_middle", 0.08, 0.0, 1.0, float, A,
         "Rent burden of a middle-peasant household, which rents a little land."),
        ("burden_interest_middle", 0.05, 0.0, 1.0, float, A,
         "Interest burden of a middle-peasant household."),
        ("burden_levy_middle", 0.08, 0.0, 1.0, float, A,
         "Base levy burden of a middle-peasant household."),
        ("burden_prices_middle", 0.08, 0.0, 1.0, float, A,
         "Price burden of a middle-peasant household."),
        ("burden_spread", 0.3, 0.0, 1.0, float, A,
         "Spread of each household's burdens around its class's: a factor per channel drawn "
         "uniformly within 1 plus or minus this."),
    ),
    # --- the invader's threat (threat.py; DESIGN section 1, explanation 2) ---------------
    "threat": (
        ("threat", True, None, None, bool, A,
         "Switch on the invader's raids, requisitions and reprisals, an exogenous process "
         "that acts on the village whatever its branch does (Johnson 1962; CY writes of "
         "'war zones and enemy-occupied areas' and 'the gruelling war of resistance'). "
         "False gives the first edition, with no invader."),
        ("raid_rate", 0.05, 0.0, 1.0, float, A,
         "Expected raids (requisitioning columns, punitive sweeps) per week on a fully "
         "exposed village; 0.05 is about two or three a year, a village near enemy "
         "strongpoints seeing several sweeps a year. The source gives no number."),
        ("threat_exposure", 0.5, 0.0, 1.0, float, A,
         "The village's exposure to raids in [0, 1] (distance from enemy garrisons, roads): "
         "raids come at raid_rate x threat_exposure a week; 0 means none. Drawn per "
         "village around this mean when typical_village is False (village_spread_threat)."),
        ("raid_reach", 0.3, 0.0, 1.0, float, A,
         "Share of households present that a raid hits (grain and animals seized, houses "
         "searched or burned); each household independently."),
        ("raid_severity", 0.2, 0.0, 1.0, float, A,
         "Burden a raid adds to a household it hits, as a share of its income (grain "
         "seized, labour pressed), on top of what earlier raids left."),
        ("raid_loss_decay", 0.1, 0.0, 1.0, float, A,
         "Weekly share of a household's raid loss that is made good (a new crop, help from "
         "kin); 0.1 halves it in about seven weeks."),
        ("reprisal_share", 0.2, 0.0, 1.0, float, A,
         "Share of raids that carry reprisals on villagers (killings, hostages): the whole "
         "village, not only the households hit, learns of them."),
        ("reprisal_effect", 0.5, 0.0, 2.0, float, A,
         "A reprisal's effect on grievance against the invader and fear of him, for every "
         "villager present, as a multiple of the effect of being hit by a raid."),
        ("invader_grievance_hit", 0.3, 0.0, 1.0, float, A,
         "Share of the gap to 1 by which a raid raises the grievance against the invader "
         "of the members of a household it hits."),
        ("invader_grievance_memory", 0.01, 0.0, 0.5, float, A,
         "Weekly share of grievance against the invader that fades; 0.01 keeps half of it "
         "after more than a year, since a burned house or a killed kinsman is not forgotten."),
        ("threat_consciousness_hit", 0.05, 0.0, 1.0, float, A,
         "Share of the gap to 1 by which a raid raises the national consciousness of the "
         "members of a household it hits (Johnson's awakening by the invader)."),
        ("threat_consciousness_neighbours", 0.02, 0.0, 1.0, float, A,
         "The same for a villager's neighbours, times the share of his Moore neighbours "
         "hit: less than for those hit."),
        ("fear_invader_hit", 0.4, 0.0, 1.0, float, A,
         "Share of the gap to 1 by which a raid raises the fear of the invader (of "
         "violence, of reprisals against one's family) of the members of a household hit."),
        ("fear_invader_decay", 0.1, 0.0, 1.0, float, A,
         "Weekly share of fear of the invader that fades: a raid frightens for a season."),
        ("readiness_invader", 0.3, 0.0, 2.0, float, A,
         "Weight of grievance against the invader in readiness to enlist or leave for "
         "salvation work; near readiness_trust's, so the threat can rival the branch."),
        ("readiness_fear_invader", 0.1, 0.0, 2.0, float, A,
         "Weight of fear of the invader, subtracted from readiness: fear of reprisals on "
         "the families of those who go holds some back."),
    ),
}
