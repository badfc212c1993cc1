import { Text, View } from '@tarojs/components';
import { routes } from '@huika/shared';
import { callApi } from '../../../api/client';
import { interpolate, tMember } from '../../../i18n';
import { discountLabel, memberDaysLabel, multiplierLabel, tierReachLines, type ProgramSummary } from '../../format';
import { useResource } from '../../hooks/use-resource';
import { ErrorState, LoadingState } from '../page-state';
import './index.scss';

const text = tMember.me;

/**
 * Every tier of the ladder from the program's public rules (GET /api/program): its discount, birthday points and
 * how it is reached, with the member's own tier marked; then the member days.
 */
export function TierBenefits({ currentTierCode }: { currentTierCode: string }) {
  const program = useResource(() => callApi(routes.program));

  return (
    <View className="tier-benefits">
      <Text className="tier-benefits__title">{text.benefitsTitle}</Text>
      {program.state.status === 'loading' && <LoadingState compact text={text.benefitsLoading} />}
      {program.state.status === 'failed' && (
        <ErrorState
          compact
          title={text.benefitsFailed}
          error={program.state.error}
          onRetry={() => void program.reload()}
        />
      )}
      {program.state.status === 'ready' && (
        <BenefitsTable program={program.state.data} currentTierCode={currentTierCode} />
      )}
    </View>
  );
}

function BenefitsTable({ program, currentTierCode }: { program: ProgramSummary; currentTierCode: string }) {
  const tiers = [...program.tiers].sort((a, b) => a.rank - b.rank);
  const memberDays = memberDaysLabel(program.memberDays);
  const everyDay = tiers.filter((tier) => tier.everyDayMemberDay).map((tier) => tier.name);

  return (
    <>
      <View className="tier-benefits__table">
        <View className="tier-benefits__row tier-benefits__row--head">
          <Text className="tier-benefits__cell tier-benefits__cell--tier">{text.benefitsColumns.tier}</Text>
          <Text className="tier-benefits__cell tier-benefits__cell--discount">{text.benefitsColumns.discount}</Text>
          <Text className="tier-benefits__cell tier-benefits__cell--birthday">{text.benefitsColumns.birthday}</Text>
          <Text className="tier-benefits__cell tier-benefits__cell--reach">{text.benefitsColumns.reach}</Text>
        </View>
        {tiers.map((tier) => {
          const current = tier.code === currentTierCode;
          return (
            <View key={tier.code} className={`tier-benefits__row${current ? ' tier-benefits__row--current' : ''}`}>
              <View className="tier-benefits__cell tier-benefits__cell--tier">
                <Text className="tier-benefits__name">{tier.name}</Text>
                {current && <Text className="tier-benefits__current">{text.benefitsCurrent}</Text>}
              </View>
              <Text className="tier-benefits__cell tier-benefits__cell--discount">
                {discountLabel(tier.discountPercent) ?? tMember.common.noDiscount}
              </Text>
              <Text className="tier-benefits__cell tier-benefits__cell--birthday">
                {multiplierLabel(tier.birthdayMultiplier)}
              </Text>
              <View className="tier-benefits__cell tier-benefits__cell--reach">
                {tierReachLines(tier, program).map((line) => (
                  <Text key={line} className="tier-benefits__reach-line">
                    {line}
                  </Text>
                ))}
              </View>
            </View>
          );
        })}
      </View>
      {memberDays && (
        <View className="tier-benefits__days">
          <Text className="tier-benefits__days-label">{text.memberDaysLabel}</Text>
          <View className="tier-benefits__days-text">
            <Text className="tier-benefits__days-main">{memberDays}</Text>
            {everyDay.length > 0 && (
              <Text className="tier-benefits__days-note">
                {interpolate(text.memberDaysEveryDay, { tiers: everyDay.join(text.memberDaysSeparator) })}
              </Text>
            )}
          </View>
        </View>
      )}
    </>
  );
}
